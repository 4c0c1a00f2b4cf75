//! The Users API's envelopes (`{"ok": 1, "data": …}`; errors
//! `web::UsersEnvelope`): passkeys are part of that API, served by their
//! own function. And who is calling.

use axum::http::{header::AUTHORIZATION, HeaderMap};
use axum::Json;
use domain::scopes::PROFILE_WRITE;
use domain::{User, UserId};
use identity::{bearer, session, AppState};
use serde_json::{json, Value};

pub type ApiError = web::Problem<web::UsersEnvelope>;

pub fn ok(data: Value) -> Json<Value> {
    Json(json!({ "ok": 1, "data": data }))
}

/// The signed-in caller: a bearer token with `delegated:profile:write`
/// when an `Authorization` header is sent, else the cookie session.
pub async fn caller(state: &AppState, headers: &HeaderMap) -> Result<User, ApiError> {
    if headers.contains_key(AUTHORIZATION) {
        let principal = bearer::authenticate(&state.access_tokens, &state.store, headers).await?;
        principal.require(PROFILE_WRITE)?;
        Ok(principal.user)
    } else {
        Ok(session::resolve(&state.store, headers).await?.1)
    }
}

/// [`caller`], with `reads` for the user the credentials name run beside
/// the check (`bearer::authenticate_with`, `session::resolve_with`):
/// nothing they found is returned unless the caller checks out.
pub async fn caller_with<T, Fut>(
    state: &AppState,
    headers: &HeaderMap,
    reads: impl FnOnce(UserId) -> Fut,
) -> Result<(User, T), ApiError>
where
    Fut: std::future::Future<Output = T>,
{
    if headers.contains_key(AUTHORIZATION) {
        let tokens = &state.access_tokens;
        let (principal, found) =
            bearer::authenticate_with(tokens, &state.store, headers, PROFILE_WRITE, reads).await?;
        Ok((principal.user, found))
    } else {
        let ((_, user), found) = session::resolve_with(&state.store, headers, reads).await?;
        Ok((user, found))
    }
}
