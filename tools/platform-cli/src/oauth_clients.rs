//! `platform oauth-client create|list|delete`: the OAuth clients allowed to
//! ask users for access (redirect URIs matched exactly, allowed scopes).

use clap::{Subcommand, ValueEnum};
use oauth::registration;
use table::{ClientType, Store};

#[derive(Clone, Copy, ValueEnum)]
pub enum Kind {
    /// Cannot keep a secret (SPA, mobile, CLI): PKCE S256 is required.
    Public,
    /// Has a secret for the token endpoint.
    Confidential,
}

#[derive(Subcommand)]
pub enum OAuthClientCommand {
    /// Register a client; prints its client_id (and, once, its secret).
    Create {
        #[arg(long)]
        name: String,
        #[arg(long = "type", value_enum)]
        kind: Kind,
        /// Exact redirect URI (repeatable).
        #[arg(long = "redirect-uri", required = true)]
        redirect_uris: Vec<String>,
        /// Allowed scopes, space- or comma-separated (repeatable).
        #[arg(long, required = true)]
        scopes: Vec<String>,
        /// The operator's own app: the hosted pages ask the user no consent.
        #[arg(long)]
        first_party: bool,
        /// Where RP-initiated logout (`/oauth/logout`) may send the browser
        /// afterwards: exact URI (repeatable).
        #[arg(long = "post-logout-redirect-uri")]
        post_logout_redirect_uris: Vec<String>,
    },
    /// Every client (never a secret).
    List,
    /// Remove a client: its codes and refresh tokens stop working at once.
    /// `platform oauth-client delete <client_id>` (or `--client-id <client_id>`).
    Delete {
        #[arg(value_name = "CLIENT_ID", required_unless_present = "client_id_flag")]
        client_id: Option<String>,
        /// The same, as an option (the older form).
        #[arg(
            long = "client-id",
            value_name = "CLIENT_ID",
            conflicts_with = "client_id"
        )]
        client_id_flag: Option<String>,
    },
}

pub async fn run(store: &Store, command: OAuthClientCommand) -> Result<String, String> {
    match command {
        OAuthClientCommand::Create {
            name,
            kind,
            redirect_uris,
            scopes,
            first_party,
            post_logout_redirect_uris,
        } => {
            let scopes: Vec<String> = scopes
                .iter()
                .flat_map(|s| s.split([' ', ',']))
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            let client_type = match kind {
                Kind::Public => ClientType::Public,
                Kind::Confidential => ClientType::Confidential,
            };
            let options = registration::Options {
                first_party,
                post_logout_redirect_uris,
            };
            let r = registration::register_with(
                store,
                &name,
                client_type,
                &redirect_uris,
                &scopes,
                options,
            )
            .await
            .map_err(|e| e.to_string())?;
            let mut out = serde_json::json!({
                "client_id": r.client.client_id,
                "type": r.client.client_type.as_str(),
                "redirect_uris": r.client.redirect_uris,
                "scopes": r.client.scopes,
                "first_party": r.client.first_party,
                "post_logout_redirect_uris": r.client.post_logout_redirect_uris,
            });
            if let Some(secret) = r.secret {
                out["client_secret"] = secret.into();
                out["note"] = "the secret is shown only now; only its hash is stored".into();
            }
            Ok(serde_json::to_string_pretty(&out).expect("json"))
        }
        OAuthClientCommand::List => {
            let clients = store
                .list_oauth_clients()
                .await
                .map_err(|e| e.to_string())?;
            Ok(clients
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "client_id": c.client_id, "name": c.name,
                        "type": c.client_type.as_str(), "redirect_uris": c.redirect_uris,
                        "scopes": c.scopes, "created_at_ms": c.created_at,
                    })
                    .to_string()
                })
                .collect::<Vec<_>>()
                .join("\n"))
        }
        OAuthClientCommand::Delete {
            client_id,
            client_id_flag,
        } => {
            let client_id = client_id.or(client_id_flag).unwrap_or_default();
            match store.delete_oauth_client(&client_id).await {
                Ok(true) => Ok(format!("deleted client {client_id}")),
                Ok(false) => Err(format!("no client {client_id}")),
                Err(e) => Err(e.to_string()),
            }
        }
    }
}
