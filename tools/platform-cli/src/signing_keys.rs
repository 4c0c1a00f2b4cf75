//! `platform signing-key create|rotate|list|retire`: the ES256 keys that
//! sign access tokens (docs/api/oauth.md, "Signing keys"). Warm functions
//! pick a change up within a minute (their key cache), sooner when a token
//! names a kid they do not know yet.

use crate::output::{one, Outcome};
use clap::Subcommand;
use identity::keyring;
use serde_json::json;
use table::{KeyStatus, Store};

#[derive(Subcommand)]
pub enum SigningKeyCommand {
    /// Create an active key if there is none (idempotent).
    Create,
    /// Create a new active key; the previous ones keep verifying
    /// (`published`) until retired.
    Rotate,
    /// Every key with its status, newest first (never the private key).
    List,
    /// Stop accepting tokens signed by a key and drop it from the JWKS.
    /// Wait until its last access tokens have expired (ACCESS_TOKEN_TTL_SECS).
    Retire {
        /// The key's id (from `list`).
        #[arg(long)]
        kid: String,
    },
}

pub async fn run(store: &Store, keys: &kms::Kms, command: SigningKeyCommand) -> Outcome {
    let err = |e: table::StoreError| e.to_string();
    let key_err = |e: keyring::KeyError| e.to_string();
    match command {
        SigningKeyCommand::Create => {
            let created = keyring::ensure_active_key(store, keys)
                .await
                .map_err(key_err)?;
            if created.is_none() {
                eprintln!("note: an active signing key exists already");
            }
            one(json!({ "created": created }))
        }
        SigningKeyCommand::Rotate => {
            let (kid, demoted) = keyring::rotate(store, keys).await.map_err(key_err)?;
            one(json!({ "active": kid, "still_verifying": demoted }))
        }
        SigningKeyCommand::List => {
            let mut keys = store.list_signing_keys().await.map_err(err)?;
            keys.sort_by_key(|k| std::cmp::Reverse(k.created_at));
            Ok(keys
                .iter()
                .map(|k| {
                    json!({
                        "kid": k.kid, "alg": k.alg, "status": k.status.as_str(),
                        "created_at_ms": k.created_at,
                    })
                })
                .collect())
        }
        SigningKeyCommand::Retire { kid } => {
            let keys = store.list_signing_keys().await.map_err(err)?;
            let active = keys
                .iter()
                .filter(|k| k.status == KeyStatus::Active)
                .count();
            let Some(key) = keys.iter().find(|k| k.kid == kid) else {
                return Err(format!("no signing key {kid}"));
            };
            if key.status == KeyStatus::Active && active == 1 {
                return Err("refusing to retire the only active key: rotate first".to_owned());
            }
            store
                .set_signing_key_status(&kid, KeyStatus::Retired)
                .await
                .map_err(err)?;
            one(json!({ "kid": kid, "status": KeyStatus::Retired.as_str() }))
        }
    }
}
