//! `platform user show|list|search|ban|unban|unlock|events`: users as every
//! surface names them (docs/surfaces.md, "Ids"). No API shows the integer
//! id the Social Networks and App Users APIs link by, and the ids have gaps
//! (a failed create still takes a number), so operators and walk-throughs
//! read it here. There is no `user delete`: deleting an account with
//! everything that hangs on it is issue 22's; `ban` is the operator's way
//! to shut an account out meanwhile.

use crate::output::{one, Outcome};
use app::store::AppStore;
use clap::Subcommand;
use domain::audit::Actor;
use domain::{Email, User, UserId, Username, UsernameRule};
use table::search_index::fold;
use table::Store;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Print a user's ids: `_id` (24 hex: the Accounts API's `id`, the Users
    /// API's `_id`), `id` (the integer: the Social Networks API's `user_id`,
    /// the App Users API's `id`), username, email, role and state.
    Show {
        /// A username, an email address, a 24-hex id or an integer id.
        who: String,
    },
    /// Users in integer-id order, a page at a time (every role).
    List {
        /// Start after this integer id (the last `id` of the previous page).
        #[arg(long, default_value_t = 0)]
        after: u64,
        /// How many integer ids to look at (ids have gaps: a page may hold fewer users).
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=1000))]
        limit: u64,
    },
    /// Users whose username, first name, last name or full name starts
    /// with the text (case and accents aside), as the Users API's search
    /// finds them; banned users included.
    Search {
        /// The start of a username or name.
        text: String,
        /// At most this many users.
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=100))]
        limit: u64,
    },
    /// Ban a user: no more sign-ins, and every session and token of every
    /// kind stops working at once.
    Ban {
        /// A username, an email address, a 24-hex id or an integer id.
        who: String,
        /// Why (kept on the account, shown to the App Users API's moderators).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Lift a ban (old sessions stay void: the user signs in again).
    Unban {
        /// A username, an email address, a 24-hex id or an integer id.
        who: String,
    },
    /// A user's security events (the audit log), newest first: sign-ins
    /// and refusals, 2FA, password and email changes, revocations, admin
    /// actions. The next page's cursor goes to stderr.
    Events {
        /// A username, an email address, a 24-hex id or an integer id.
        who: String,
        /// At most this many events.
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=100))]
        limit: u64,
        /// Where to go on (the cursor a previous page printed).
        #[arg(long)]
        cursor: Option<String>,
    },
    /// Lift a login lockout: the failed-login count back to zero.
    Unlock {
        /// A username, an email address, a 24-hex id or an integer id.
        who: String,
    },
    /// Delete an account and everything that names it on every surface:
    /// it stops signing in at once, the lifecycle worker erases the rest
    /// (docs/lifecycle.md).
    Delete {
        /// A 24-hex id, an integer id, a username or an email address.
        who: String,
        /// Wait until the worker has finished (at most five minutes).
        #[arg(long)]
        wait: bool,
    },
}

pub async fn run(store: &Store, command: UserCommand) -> Outcome {
    let err = |e: table::StoreError| e.to_string();
    match command {
        UserCommand::Show { who } => one(view(&named(store, &who).await?)),
        UserCommand::List { after, limit } => {
            let last = store.last_user_seq().await.map_err(err)?;
            let end = after.saturating_add(limit).min(last);
            if after >= end {
                return Ok(Vec::new());
            }
            let users = store.users_by_seq(after + 1..=end).await.map_err(err)?;
            Ok(users.iter().map(view).collect())
        }
        UserCommand::Search { text, limit } => {
            let hits = store.search_hits(&fold(&text), 100).await.map_err(err)?;
            let mut ids: Vec<UserId> = Vec::new();
            for hit in hits {
                if !ids.contains(&hit.user_id) && ids.len() < limit as usize {
                    ids.push(hit.user_id);
                }
            }
            let keys = ids
                .iter()
                .map(|id| table::item::key(table::keys::user(id), table::keys::USER_SK))
                .collect();
            let found = store.batch_get(keys).await.map_err(err)?;
            let users = found
                .into_iter()
                .map(table::item::from_item::<User>)
                .collect::<Result<Vec<_>, _>>()
                .map_err(err)?;
            // In the index's order: the best match first.
            Ok(ids
                .iter()
                .filter_map(|id| users.iter().find(|u| &u.id == id))
                .map(view)
                .collect())
        }
        UserCommand::Ban { who, reason } => {
            let user = named(store, &who).await?;
            banned(store, user, true, reason.as_deref()).await
        }
        UserCommand::Unban { who } => {
            let user = named(store, &who).await?;
            banned(store, user, false, None).await
        }
        UserCommand::Events { who, limit, cursor } => {
            let user = named(store, &who).await?;
            crate::user_events::page(store, &user.id, limit, cursor.as_deref()).await
        }
        UserCommand::Unlock { who } => {
            let mut user = named(store, &who).await?;
            if !store.clear_lockout(&user.id).await.map_err(err)? {
                return Err(format!("no user {who}"));
            }
            user.failed_logins = 0;
            user.locked_until = None;
            one(view(&user))
        }
        UserCommand::Delete { who, wait } => delete(store, named(store, &who).await?, wait).await,
    }
}

/// Queues the deletion (as an operator), and with `wait` sees it through.
async fn delete(store: &Store, user: User, wait: bool) -> Outcome {
    use table::lifecycle::Requester;
    let event = domain::audit::Event::by_operator(domain::audit::Kind::AccountDeleted);
    match store
        .request_deletion(&user, Requester::Operator, &event)
        .await
    {
        Ok(_) => {}
        Err(table::TxError::Failed(_)) => {
            return Err(format!("{} is already being deleted", user.id))
        }
        Err(table::TxError::Store(e)) => return Err(e.to_string()),
    }
    let mut state = "queued";
    if wait {
        for _ in 0..1500 {
            if store
                .get_user(&user.id)
                .await
                .map_err(|e| e.to_string())?
                .is_none()
            {
                state = "deleted";
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }
    one(
        serde_json::json!({ "_id": user.id, "id": user.seq, "username": user.username, "deletion": state }),
    )
}

/// The user a command names, or why there is none.
async fn named(store: &Store, who: &str) -> Result<User, String> {
    find(store, who.trim())
        .await?
        .ok_or_else(|| format!("no user {who} (tried as {})", kinds(who.trim())))
}

async fn banned(store: &Store, mut user: User, on: bool, reason: Option<&str>) -> Outcome {
    let found = AppStore::new(store)
        .set_banned(&user.id, on, reason, Actor::Operator)
        .await
        .map_err(|e| e.to_string())?;
    if !found {
        return Err(format!("no user {}", user.id));
    }
    user.banned = on;
    one(view(&user))
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
        "locked_until": user.locked_until,
        "failed_logins": user.failed_logins,
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
