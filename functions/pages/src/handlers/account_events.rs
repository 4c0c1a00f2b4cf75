//! The account page's "Security activity": the latest events of the
//! user's audit log (`table::audit`), newest first, a page at a time; the
//! link to older ones carries the sealed cursor in `?events=`. A failed
//! read, or a cursor that is not this user's, shows the first page.

use domain::{Language, User};
use identity::AppState;
use serde_json::{json, Value};
use table::AuditRecord;

/// Events shown at a time.
const PAGE: usize = 10;

/// The section's variables: the events, and the link to older ones.
pub async fn section(
    state: &AppState,
    lang: Language,
    user: &User,
    cursor: Option<&str>,
) -> (Vec<Value>, Option<String>) {
    let read = |at| state.store.security_events(&user.id, PAGE, at);
    let page = match read(cursor).await {
        Ok(Err(_)) => read(None).await,
        read => read,
    };
    match page {
        Ok(Ok(page)) => {
            let older = page
                .next
                .map(|c| format!("{}&events={c}", super::action("/account", lang)));
            (page.items.iter().map(view).collect(), older)
        }
        Ok(Err(_)) => (Vec::new(), None),
        Err(e) => {
            tracing::warn!(error = %e, "security events unread");
            (Vec::new(), None)
        }
    }
}

fn view(e: &AuditRecord) -> Value {
    let when = chrono::DateTime::from_timestamp_millis(e.at)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string());
    json!({
        "when": when,
        "kind": e.kind.as_str(),
        "reason": e.detail.get("reason"),
        "ip": e.ip,
        "agent": e.user_agent,
        "actor": e.actor.label(),
    })
}
