//! `platform api-key create|list|revoke`: the backend callers' API keys.
//! A key is printed once, at creation; the table keeps only its hash.

use crate::output::{one, Outcome};
use clap::Subcommand;
use identity::api_key::{self, Permission};
use serde_json::json;
use table::{RevokeApiKeyError, Store};

#[derive(Subcommand)]
pub enum ApiKeyCommand {
    /// Create a key and print it, as `key` (the only time it is shown).
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
    Revoke {
        /// The key's id (from `list`).
        id: String,
    },
}

pub async fn run(store: &Store, command: ApiKeyCommand) -> Outcome {
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
            eprintln!("note: store the key now: it is not shown again");
            let mut shown = view(&record);
            shown["key"] = key.expose().into();
            one(shown)
        }
        ApiKeyCommand::List => {
            let records = store.list_api_keys().await.map_err(|e| e.to_string())?;
            Ok(records.iter().map(view).collect())
        }
        ApiKeyCommand::Revoke { id } => match store.revoke_api_key(id.trim()).await {
            Ok(record) => one(view(&record)),
            Err(RevokeApiKeyError::NotFound) => Err(format!("no API key with id {id}")),
            Err(e) => Err(e.to_string()),
        },
    }
}

/// A key as every command shows it (never its hash).
fn view(r: &table::ApiKeyRecord) -> serde_json::Value {
    json!({
        "id": r.id,
        "name": r.name,
        "permissions": r.permissions.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
        "state": if r.revoked_at.is_some() { "revoked" } else { "active" },
        "created_at": r.created_at.to_rfc3339(),
        "revoked_at": r.revoked_at.map(|at| at.to_rfc3339()),
    })
}
