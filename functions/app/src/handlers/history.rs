use crate::fields::Fields;
use crate::store::AppStore;
use crate::views::{self, done};
use crate::{caller, ApiError};
use axum::extract::State;
use axum::Json;
use domain::Error;
use http::HeaderMap;
use identity::AppState;
use serde_json::{json, Value};

pub const MAX_LIMIT: u64 = 100;
const MAX_PAGE: u64 = 100_000;
/// Most ids one mark-read takes (one transaction).
pub const MAX_MARK: usize = 50;

/// `POST /api/get/notifications/history/` (`page` from 1, `limit` 1 to
/// 100, default 20): newest first. Two sequential calls: the session, then
/// the user (for `total`) beside one Query of the first `page × limit`
/// items, newest first, of which the page is the last `limit`.
pub async fn history(
    State(state): State<AppState>,
    headers: HeaderMap,
    fields: Fields,
) -> Result<Json<Value>, ApiError> {
    let page = fields.id("page")?.unwrap_or(1);
    if page > MAX_PAGE {
        return Err(Error::invalid("page", "is too large").into());
    }
    let limit = fields.id("limit")?.unwrap_or(20);
    if limit > MAX_LIMIT {
        return Err(Error::invalid("limit", "must be 1 to 100").into());
    }
    let session = caller::session(&state, &headers).await?;
    let store = AppStore::of(&state);
    let (user, items) = tokio::join!(
        state.store.get_user(&session.user_id),
        store.history(&session.user_id, (page * limit) as i32)
    );
    let user = identity::check_holder(user?, &session)
        .map_err(|_| crate::error::authentication_required())?;
    let items = items?.items;
    let skip = ((page - 1) * limit) as usize;
    let notifications: Vec<Value> = items.iter().skip(skip).map(views::notification).collect();
    Ok(Json(json!({
        "notifications": notifications,
        "total": user.notifications_total,
        "page": page,
        "limit": limit,
    })))
}

/// `POST /api/update/notifications/read/` (documented addition): `ids`
/// (repeated keys or a JSON array) of the caller's own notifications.
pub async fn mark_read(
    State(state): State<AppState>,
    headers: HeaderMap,
    fields: Fields,
) -> Result<Json<Value>, ApiError> {
    let bad = || Error::invalid("ids", format!("must be 1 to {MAX_MARK} notification ids"));
    let mut ids: Vec<u64> = fields
        .list("ids")?
        .unwrap_or_default()
        .iter()
        .map(|i| i.trim().parse::<u64>().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() || ids.len() > MAX_MARK {
        return Err(bad().into());
    }
    let session = caller::session(&state, &headers).await?;
    AppStore::of(&state).mark_read(&session, &ids).await?;
    Ok(done("Notifications marked as read"))
}
