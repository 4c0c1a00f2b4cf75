//! `platform user show <username|email|id>`: one user as every surface
//! names them (docs/surfaces.md, "Ids"). No API shows the integer id the
//! Social Networks and App Users APIs link by, and the ids have gaps (a
//! failed create still takes a number), so operators and walk-throughs read
//! it here.

use clap::Subcommand;
use domain::{Email, User, UserId, Username, UsernameRule};
use table::Store;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Print a user's ids as JSON: `_id` (24 hex: the Accounts API's `id`,
    /// the Users API's `_id`), `id` (the integer: the Social Networks API's
    /// `user_id`, the App Users API's `id`), username, email, role.
    Show {
        /// A username, an email address, a 24-hex id or an integer id.
        who: String,
    },
}

pub async fn run(store: &Store, command: UserCommand) -> Result<String, String> {
    match command {
        UserCommand::Show { who } => {
            let user = find(store, who.trim())
                .await?
                .ok_or_else(|| format!("no user {who} (tried as {})", kinds(who.trim())))?;
            Ok(serde_json::to_string_pretty(&view(&user)).expect("json"))
        }
    }
}

/// What the argument can be, in the order it is tried: an all-digit
/// argument is an integer id first, 24 hex a platform id first, and both
/// fall back to a username (usernames may look like either).
fn kinds(who: &str) -> &'static str {
    if who.contains('@') {
        "an email address"
    } else if !who.is_empty() && who.bytes().all(|b| b.is_ascii_digit()) {
        "an integer id, then a username"
    } else if UserId::parse(who).is_ok() {
        "a 24-hex id, then a username"
    } else {
        "a username"
    }
}

async fn find(store: &Store, who: &str) -> Result<Option<User>, String> {
    let err = |e: table::StoreError| e.to_string();
    let mut id = None;
    if who.contains('@') {
        let email = Email::parse(who).map_err(|e| format!("email {e}"))?;
        id = store.email_owner(&email.key()).await.map_err(err)?;
    } else {
        if let Ok(seq) = who.parse::<u64>() {
            id = store.user_id_by_seq(seq).await.map_err(err)?;
        } else if let Ok(user_id) = UserId::parse(who) {
            if let Some(user) = store.get_user(&user_id).await.map_err(err)? {
                return Ok(Some(user));
            }
        }
        if id.is_none() {
            if let Ok(name) = Username::parse(who, UsernameRule::LOOKUP) {
                id = store.username_owner(&name.key()).await.map_err(err)?;
            }
        }
    }
    match id {
        Some(id) => store.get_user(&id).await.map_err(err),
        None => Ok(None),
    }
}

fn view(user: &User) -> serde_json::Value {
    serde_json::json!({
        "_id": user.id.as_str(),
        "id": user.seq,
        "username": user.username,
        "email": user.email,
        "role": user.role.as_str(),
        "email_verified": user.email_verified,
        "verification_pending": user.verification_pending,
        "two_factor_enabled": user.two_factor_enabled,
        "banned": user.banned,
        "created_at": user.created_at.to_rfc3339(),
    })
}

#[cfg(test)]
mod tests {
    use super::kinds;

    #[test]
    fn the_argument_kind_follows_its_shape() {
        assert_eq!(kinds("max@innopolis.ru"), "an email address");
        assert_eq!(kinds("42"), "an integer id, then a username");
        assert_eq!(
            kinds("575b3581aa87dd1cd0e137ab"),
            "a 24-hex id, then a username"
        );
        assert_eq!(kinds("john_doe"), "a username");
    }
}
