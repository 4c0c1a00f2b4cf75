//! Who is calling. App callers are signed-in users with the platform's
//! cookie session (`sid`, what `/user/login` and `/api/action/login/`
//! set); backend callers are servers with an `X-API-Key`. Two paths serve
//! both: a request that carries a key gets the backend behaviour.
//!
//! Cross-site requests: the cookie is `SameSite=Lax` (a browser does not
//! send it on a cross-site POST), and every request that carries it or
//! signs someone in is refused first when a browser marks it as
//! cross-site: the platform's one rule, in `web` (same_origin.rs).

use crate::error::authentication_required;
use crate::ApiError;
use domain::{Error, OpaqueToken, User};
use http::HeaderMap;
use identity::api_key::{self, ApiKey, ApiKeyError, Permission};
use identity::{session, AppState, AuthError};
use table::TokenRecord;

/// Whether the request comes from a backend caller (it carries a key).
pub fn is_backend(headers: &HeaderMap) -> bool {
    headers.contains_key(api_key::HEADER)
}

/// A backend caller whose key holds `needed`.
pub async fn backend(
    state: &AppState,
    headers: &HeaderMap,
    needed: Permission,
) -> Result<(), ApiError> {
    let key = ApiKey::from_headers(headers).map_err(auth_error)?;
    api_key::authorize(&state.store, &key, needed)
        .await
        .map_err(auth_error)?;
    Ok(())
}

fn auth_error(e: ApiKeyError) -> Error {
    match e {
        ApiKeyError::Missing | ApiKeyError::Invalid => authentication_required(),
        other => other.into(),
    }
}

/// The session cookie's token, if it is one.
pub fn session_token(headers: &HeaderMap) -> Option<OpaqueToken> {
    session::cookie_token(headers).and_then(|t| OpaqueToken::parse(&t))
}

fn session_error(e: AuthError) -> Error {
    match e {
        AuthError::InvalidToken => authentication_required(),
        AuthError::Store(e) => e.into(),
    }
}

/// The live session and its user (read side by side: one round trip).
pub async fn user(state: &AppState, headers: &HeaderMap) -> Result<(TokenRecord, User), ApiError> {
    Ok(session::resolve(&state.store, headers)
        .await
        .map_err(session_error)?)
}

/// The live session alone (one read), for writes that check the user's
/// state in their own condition (not banned, tokens not voided since).
pub async fn session(state: &AppState, headers: &HeaderMap) -> Result<TokenRecord, ApiError> {
    let raw = session::cookie_token(headers).ok_or_else(authentication_required)?;
    Ok(identity::resolve(&state.store, &raw, session::KIND)
        .await
        .map_err(session_error)?)
}

/// A session named in a body (the backend's `/api/check/login/`).
pub async fn session_of(state: &AppState, raw: &str) -> Result<Option<User>, Error> {
    match session::resolve_value(&state.store, raw).await {
        Ok((_, user)) => Ok(Some(user)),
        Err(AuthError::InvalidToken) => Ok(None),
        Err(AuthError::Store(e)) => Err(e.into()),
    }
}
