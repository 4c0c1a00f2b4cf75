//! Who is calling. Profile endpoints take an OAuth access token (Bearer
//! JWT) with the scope the document names; the account-security endpoints
//! (logout-all, 2FA on/off) also take the cookie session `/user/login` sets,
//! since a browser that just logged in holds no token yet.

use crate::ApiError;
use axum::http::{header::AUTHORIZATION, HeaderMap};
use domain::scopes::PROFILE_WRITE;
use domain::{Error, User};
use identity::bearer::{self, Principal};
use identity::gate::Attempt;
use identity::{session, AppState};
use serde::Deserialize;
use table::TokenRecord;
use web::required;

/// The bearer token's principal, which must hold `scope`.
pub async fn bearer(
    state: &AppState,
    headers: &HeaderMap,
    scope: &'static str,
) -> Result<Principal, ApiError> {
    let principal = bearer::authenticate(&state.access_tokens, &state.store, headers).await?;
    principal.require(scope)?;
    Ok(principal)
}

/// The cookie session and its user.
pub async fn session(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(TokenRecord, User), ApiError> {
    Ok(session::resolve(&state.store, headers).await?)
}

pub struct Caller {
    pub user: User,
    /// Authenticated by the cookie session (not a bearer token).
    pub by_session: bool,
    /// When the credential was issued (ms): how recent the sign-in is.
    pub issued_ms: i64,
}

/// A bearer token with `scope` when an `Authorization` header is sent,
/// else the cookie session.
pub async fn either(
    state: &AppState,
    headers: &HeaderMap,
    scope: &'static str,
) -> Result<Caller, ApiError> {
    if headers.contains_key(AUTHORIZATION) {
        let principal = bearer(state, headers, scope).await?;
        Ok(Caller {
            issued_ms: principal.claims.issued_ms(),
            user: principal.user,
            by_session: false,
        })
    } else {
        let (record, user) = session(state, headers).await?;
        Ok(Caller {
            user,
            by_session: true,
            issued_ms: record.issued_at,
        })
    }
}

/// The body of the endpoints that take the password again.
#[derive(Deserialize)]
pub struct PasswordRequest {
    password: Option<String>,
}

/// Longest password a check will hash; anything longer cannot be right.
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// The caller (cookie or bearer with profile write) proven again by the
/// password, counted like a login with the same lockout.
pub async fn reauthenticate(
    state: &AppState,
    attempt: &Attempt,
    headers: &HeaderMap,
    req: PasswordRequest,
) -> Result<User, ApiError> {
    let password = required(req.password, "password")?;
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(Error::invalid("password", "is too long").into());
    }
    let caller = either(state, headers, PROFILE_WRITE).await?;
    Ok(identity::gate::reauthenticate(state, attempt, caller.user, &password).await?)
}
