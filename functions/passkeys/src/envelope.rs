//! The Users API's envelopes (`{"ok": 1, "data": …}`; errors
//! `web::UsersEnvelope`): passkeys are part of that API, served by their
//! own function. And who is calling.

use axum::http::{header::AUTHORIZATION, HeaderMap};
use axum::Json;
use domain::scopes::PROFILE_WRITE;
use domain::User;
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
