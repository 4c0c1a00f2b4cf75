//! `platform api-key create|list|revoke`: the backend callers' API keys.
//! A key is printed once, at creation; the table keeps only its hash.

use clap::Subcommand;
use identity::api_key::{self, Permission};
use table::{RevokeApiKeyError, Store};

#[derive(Subcommand)]
pub enum ApiKeyCommand {
    /// Create a key and print it (the only time it is shown).
    Create {
        /// What the key is for (shown by `list`).
        #[arg(long)]
        name: String,
        /// Comma-separated: read (GET requests), write (the others).
        #[arg(long, default_value = "read")]
        permissions: String,
    },
    /// List every key's id, name, permissions and state.
    List,
    /// Revoke a key by id; it stops working at once.
    Revoke { id: String },
}

pub async fn run(store: &Store, command: ApiKeyCommand) -> Result<String, String> {
    match command {
        ApiKeyCommand::Create { name, permissions } => {
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 100 {
                return Err("--name must be 1 to 100 characters".into());
            }
            let permissions = Permission::parse_list(&permissions)?;
            let (key, record) = api_key::create(store, name, permissions)
                .await
                .map_err(|e| e.to_string())?;
            Ok(format!(
                "API key {} ({}) with {}:\n{}\nStore it now: it is not shown again.",
                record.id,
                record.name,
                names(&record.permissions),
                key.expose()
            ))
        }
        ApiKeyCommand::List => {
            let records = store.list_api_keys().await.map_err(|e| e.to_string())?;
            if records.is_empty() {
                return Ok("no API keys".into());
            }
            Ok(records
                .iter()
                .map(|r| {
                    let state = match r.revoked_at {
                        Some(at) => format!("revoked {}", at.to_rfc3339()),
                        None => "active".to_owned(),
                    };
                    format!(
                        "{}\t{}\t{}\tcreated {}\t{}",
                        r.id,
                        r.name,
                        names(&r.permissions),
                        r.created_at.to_rfc3339(),
                        state
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"))
        }
        ApiKeyCommand::Revoke { id } => match store.revoke_api_key(id.trim()).await {
            Ok(record) => Ok(format!("API key {} ({}) revoked", record.id, record.name)),
            Err(RevokeApiKeyError::NotFound) => Err(format!("no API key with id {id}")),
            Err(e) => Err(e.to_string()),
        },
    }
}

fn names(permissions: &[Permission]) -> String {
    permissions
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(",")
}
