//! The owner's passkeys: list (with the backup flags), rename, remove.

use crate::envelope::{caller, caller_with, ok, ApiError};
use crate::register::valid_name;
use crate::store::{PasskeyRecord, PasskeyStore};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use bytes::Bytes;
use domain::{Error, UserId};
use identity::AppState;
use serde::Deserialize;
use serde_json::{json, Value};
use web::Input;

fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub fn view(p: &PasskeyRecord) -> Value {
    json!({
        "id": p.id,
        "name": p.name,
        "createdAt": iso(p.created_ms),
        "lastUsedAt": p.last_used_ms.map(iso),
        "backupEligible": p.backup_eligible,
        "backedUp": p.backed_up,
    })
}

fn not_found() -> Error {
    Error::not_found("no such passkey")
}

/// Credential ids are base64url; anything else names no passkey.
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= crate::rp::MAX_ID_CHARS
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

const DEFAULT_LIMIT: usize = 20;

#[derive(Deserialize)]
pub struct ListQuery {
    limit: Option<String>,
    cursor: Option<String>,
}

/// `GET /user/passkeys?limit=&cursor=`: a page of the caller's passkeys
/// (by id) and `nextCursor`. Two rounds: the caller's check beside the
/// page of entries, then the credentials.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Input(query, _): Input<ListQuery, ApiError>,
) -> Result<Json<Value>, ApiError> {
    let limit = web::page_limit(query.limit.as_deref(), DEFAULT_LIMIT)?;
    let cursor = query.cursor.filter(|c| !c.is_empty());
    let store = PasskeyStore(&state.store);
    let page = |u: UserId| async move { store.page(&u, limit, cursor.as_deref()).await };
    let (user, page) = caller_with(&state, &headers, page).await?;
    let (ids, next) = page?.map_err(Error::from)?;
    let found = store.credentials(&user.id, &ids).await?;
    let items: Vec<Value> = found.iter().map(view).collect();
    Ok(ok(json!({ "passkeys": items, "nextCursor": next })))
}

/// `PATCH /user/passkeys/{id}` with `{"name": …}`
pub async fn rename(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let user = caller(&state, &headers).await?;
    let body: Value =
        serde_json::from_slice(&body).map_err(|_| Error::invalid("name", "is required"))?;
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::invalid("name", "is required"))?;
    let name = valid_name(name)?;
    if !valid_id(&id)
        || !PasskeyStore(&state.store)
            .rename(&user.id, &id, &name)
            .await?
    {
        return Err(not_found().into());
    }
    Ok(ok(json!({ "id": id, "name": name })))
}

/// `DELETE /user/passkeys/{id}`
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let user = caller(&state, &headers).await?;
    if !valid_id(&id) || !PasskeyStore(&state.store).delete(&user.id, &id).await? {
        return Err(not_found().into());
    }
    Ok(ok(json!({ "id": id })))
}
