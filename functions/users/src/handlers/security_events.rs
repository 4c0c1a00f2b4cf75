//! `GET /user/me/security-events`: the caller's own security events (the
//! audit log, `table::audit`), newest first, `limit` (1 to 100, default
//! 20) a page, `cursor` the previous page's `nextCursor`. The cookie
//! session, or a bearer token with `delegated:profile:read`: the log is
//! about the account itself, read only (docs/api/users.md).

use crate::caller;
use crate::envelope::ok;
use crate::ApiError;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::{TimeZone, Utc};
use domain::scopes::PROFILE_READ;
use domain::Error;
use identity::AppState;
use serde::Deserialize;
use serde_json::{json, Value};
use table::AuditRecord;
use web::Input;

const DEFAULT_LIMIT: usize = 20;

#[derive(Deserialize)]
pub struct EventsQuery {
    limit: Option<String>,
    cursor: Option<String>,
}

fn view(e: &AuditRecord) -> Value {
    let at = Utc
        .timestamp_millis_opt(e.at)
        .single()
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
    json!({
        "at": at,
        "kind": e.kind.as_str(),
        "actor": e.actor.label(),
        "actorId": e.actor.id().map(domain::UserId::as_str),
        "ip": e.ip,
        "userAgent": e.user_agent,
        "detail": e.detail,
    })
}

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Input(query, _): Input<EventsQuery, ApiError>,
) -> Result<Response, ApiError> {
    let limit = web::page_limit(query.limit.as_deref(), DEFAULT_LIMIT)?;
    let cursor = query.cursor.as_deref().filter(|c| !c.is_empty());
    if cursor.is_some_and(|c| c.len() > table::MAX_CURSOR_CHARS) {
        return Err(Error::invalid("cursor", "is too long").into());
    }
    let caller = caller::either(&state, &headers, PROFILE_READ).await?;
    let page = state
        .store
        .security_events(&caller.user.id, limit, cursor)
        .await??;
    let items: Vec<Value> = page.items.iter().map(view).collect();
    Ok(ok(json!({ "events": items, "nextCursor": page.next })).into_response())
}
