//! `platform set-role`: the only way to make a moderator.

use crate::output::{one, Outcome};
use domain::{Role, UserId, Username, UsernameRule};
use table::{GuardedWriteError, Store};

pub async fn set_role(
    store: &Store,
    username: Option<String>,
    id: Option<String>,
    role: &str,
) -> Outcome {
    let role = Role::parse(role).map_err(|e| format!("role {e}"))?;
    let target = target(store, username, id).await?;
    match store.set_role(&target, role, None).await {
        Ok(()) => one(serde_json::json!({"_id": target.as_str(), "role": role.as_str()})),
        Err(GuardedWriteError::Target) => Err(format!("no account with id {target}")),
        Err(e) => Err(e.to_string()),
    }
}

/// The account a command names by `--username` or `--id` (the id wins).
pub async fn target(
    store: &Store,
    username: Option<String>,
    id: Option<String>,
) -> Result<UserId, String> {
    match (username, id) {
        (_, Some(id)) => UserId::parse(&id).map_err(|e| format!("id {e}")),
        (Some(name), None) => {
            let name = Username::parse(&name, UsernameRule::LOOKUP)
                .map_err(|e| format!("username {e}"))?;
            store
                .username_owner(&name.key())
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("no account named {}", name.as_str()))
        }
        (None, None) => Err("give --username or --id".into()),
    }
}
