//! `platform user events <user>`: the user's security events (the audit
//! log, `table::audit`), newest first, a page at a time. Each event is a
//! record; the cursor of the next page is a note on stderr, so the JSON
//! lines stay events only.

use crate::output::Outcome;
use domain::UserId;
use table::{AuditRecord, Store};

pub async fn page(store: &Store, user: &UserId, limit: u64, cursor: Option<&str>) -> Outcome {
    let limit = usize::try_from(limit).unwrap_or(100);
    let page = store
        .security_events(user, limit, cursor)
        .await
        .map_err(|e| e.to_string())?
        .map_err(|_| "invalid cursor: pass one a previous page printed for this user".to_owned())?;
    if let Some(next) = &page.next {
        eprintln!("note: more events: --cursor {next}");
    }
    Ok(page.items.iter().map(view).collect())
}

/// One event as a record (the Users API's shape, in snake_case).
pub fn view(e: &AuditRecord) -> serde_json::Value {
    let at = chrono::DateTime::from_timestamp_millis(e.at).map(|t| t.to_rfc3339());
    serde_json::json!({
        "at": at,
        "kind": e.kind.as_str(),
        "actor": e.actor.label(),
        "actor_id": e.actor.id().map(UserId::as_str),
        "ip": e.ip,
        "user_agent": e.user_agent,
        "detail": e.detail,
    })
}
