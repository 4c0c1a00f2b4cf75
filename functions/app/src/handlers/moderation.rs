use crate::error::user_not_found;
use crate::fields::Fields;
use crate::store::AppStore;
use crate::views::{self, done};
use crate::{caller, ApiError};
use axum::extract::State;
use axum::Json;
use domain::audit::{Actor, Event, Kind};
use domain::{Error, UserId};
use http::HeaderMap;
use identity::api_key::Permission;
use identity::AppState;
use serde_json::Value;

/// Longest ban reason kept.
const MAX_REASON: usize = 500;

/// The key check beside the integer id's sentinel: one round.
pub async fn target(
    state: &AppState,
    headers: &HeaderMap,
    needed: Permission,
    seq: u64,
) -> Result<UserId, ApiError> {
    let (auth, owner) = tokio::join!(
        caller::backend(state, headers, needed),
        state.store.user_id_by_seq(seq)
    );
    auth?;
    Ok(owner?.ok_or_else(user_not_found)?)
}

/// `POST /api/user/status/ban/` (backend, write): `user_id`, `banned`,
/// `reason`. A ban refuses every login and moves the user's revocation
/// stamp in the same write, so every token of every kind dies on its next
/// use; an unban restores login only.
pub async fn ban(
    State(state): State<AppState>,
    headers: HeaderMap,
    fields: Fields,
) -> Result<Json<Value>, ApiError> {
    let seq = fields.required_id("user_id")?;
    let banned = fields
        .boolean("banned")?
        .ok_or_else(|| Error::invalid("banned", "This field is required"))?;
    let reason = fields.text("reason")?;
    if reason
        .as_ref()
        .is_some_and(|r| r.chars().count() > MAX_REASON)
    {
        return Err(Error::invalid("reason", "is too long").into());
    }
    let id = target(&state, &headers, Permission::Write, seq).await?;
    if !AppStore::of(&state)
        .set_banned(&id, banned, reason.as_deref(), Actor::App)
        .await?
    {
        return Err(user_not_found().into());
    }
    Ok(done("User ban status updated"))
}

/// `POST /api/user/status/` (backend, read).
pub async fn status(
    State(state): State<AppState>,
    headers: HeaderMap,
    fields: Fields,
) -> Result<Json<Value>, ApiError> {
    let seq = fields.required_id("user_id")?;
    let id = target(&state, &headers, Permission::Read, seq).await?;
    let user = state
        .store
        .get_user(&id)
        .await?
        .ok_or_else(user_not_found)?;
    Ok(Json(views::status(&user)))
}

/// `POST /api/user/force-logout/` (backend, write): every session and
/// token of the user, on every surface, dies on its next use.
pub async fn force_logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    fields: Fields,
) -> Result<Json<Value>, ApiError> {
    let seq = fields.required_id("user_id")?;
    let id = target(&state, &headers, Permission::Write, seq).await?;
    let event = Event::new(Kind::SessionsRevokedAll, Actor::App);
    let (voided, ()) = tokio::join!(
        state.store.void_tokens(&id),
        table::audit::record(&state.store, &id, &event)
    );
    voided?;
    Ok(done("User logged out from all sessions"))
}
