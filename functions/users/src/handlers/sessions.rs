//! The caller's sessions one by one: `GET /user/sessions` lists them (one
//! page of 50, `cursor` for the next), `DELETE /user/sessions/{id}` ends
//! one and what it issued (`identity::sessions`). Signing out everywhere
//! is `POST /user/logout-all`. Cookie session, or bearer with
//! `delegated:profile:write`, as the other account-security endpoints.

use crate::caller;
use crate::envelope::{done, ok};
use crate::ApiError;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::{TimeZone, Utc};
use domain::scopes::PROFILE_WRITE;
use domain::OpaqueToken;
use identity::sessions::{self, Session};
use identity::{session, AppState};
use serde::Deserialize;
use serde_json::{json, Value};
use web::{Input, SignInAttempt};

#[derive(Deserialize)]
pub struct ListQuery {
    cursor: Option<String>,
}

fn iso_ms(ms: i64) -> Value {
    Utc.timestamp_millis_opt(ms)
        .single()
        .map(|t| json!(t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)))
        .unwrap_or(Value::Null)
}

fn view(s: &Session) -> Value {
    json!({
        "id": s.id,
        "kind": s.kind,
        "createdAt": iso_ms(s.issued_at),
        "expiresAt": iso_ms(s.expires_at.saturating_mul(1000)),
        "current": s.current,
    })
}

fn own_session(headers: &HeaderMap, caller: &caller::Caller) -> Option<OpaqueToken> {
    session::cookie_token(headers)
        .and_then(|t| OpaqueToken::parse(&t))
        .filter(|_| caller.by_session)
}

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Input(query, _): Input<ListQuery, ApiError>,
) -> Result<Response, ApiError> {
    if query
        .cursor
        .as_ref()
        .is_some_and(|c| c.len() > table::MAX_CURSOR_CHARS)
    {
        return Err(domain::Error::invalid("cursor", "is too long").into());
    }
    let caller = caller::either(&state, &headers, PROFILE_WRITE).await?;
    let own = own_session(&headers, &caller);
    let page = sessions::list(&state, &caller.user, own.as_ref(), query.cursor.as_deref()).await?;
    let items: Vec<Value> = page.items.iter().map(view).collect();
    Ok(ok(json!({ "sessions": items, "nextCursor": page.next })).into_response())
}

/// Ends one session of the caller (its own included: the cookie is then
/// cleared). 404 for any id that is not a live session of the caller.
pub async fn end(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (caller, found) = tokio::join!(
        caller::either(&state, &headers, PROFILE_WRITE),
        sessions::find(&state, &id)
    );
    let caller = caller?;
    let own = own_session(&headers, &caller);
    sessions::end(&state, &attempt, &caller.user, &id, found?).await?;
    if sessions::is_current(&id, own.as_ref()) {
        return Ok(([session::clear_cookie()], done()).into_response());
    }
    Ok(done().into_response())
}
