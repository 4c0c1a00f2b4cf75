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
const MAX_LIMIT: usize = 100;

#[derive(Deserialize)]
pub struct EventsQuery {
    limit: Option<String>,
    cursor: Option<String>,
}

/// The page size asked for, or why it is not one.
fn limit_of(raw: Option<&str>) -> Result<usize, Error> {
    match raw.map(str::trim) {
        None | Some("") => Ok(DEFAULT_LIMIT),
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|l| (1..=MAX_LIMIT).contains(l))
            .ok_or_else(|| Error::invalid("limit", "must be an integer from 1 to 100")),
    }
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
    let limit = limit_of(query.limit.as_deref())?;
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

#[cfg(test)]
mod tests {
    use super::limit_of;

    #[test]
    fn limits_are_one_to_a_hundred() {
        assert_eq!(limit_of(None).unwrap(), 20);
        assert_eq!(limit_of(Some("100")).unwrap(), 100);
        for bad in ["0", "101", "-1", "x", "1.5"] {
            assert_eq!(
                limit_of(Some(bad)).unwrap_err().field.as_deref(),
                Some("limit")
            );
        }
    }
}
