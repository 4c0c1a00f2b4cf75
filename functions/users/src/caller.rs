//! Who is calling. Profile endpoints take an OAuth access token (Bearer
//! JWT) with the scope the document names; the account-security endpoints
//! (logout-all, 2FA on/off) also take the cookie session `/user/login` sets,
//! since a browser that just logged in holds no token yet.

use crate::ApiError;
use axum::http::{header::AUTHORIZATION, HeaderMap};
use domain::User;
use identity::bearer::{self, Principal};
use identity::session;
use identity::AppState;
use table::TokenRecord;

/// The bearer token's principal, which must hold `scope`.
pub async fn bearer(
    state: &AppState,
    headers: &HeaderMap,
    scope: &'static str,
) -> Result<Principal, ApiError> {
    let principal = bearer::authenticate(state, headers).await?;
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
            user: principal.user,
            by_session: false,
        })
    } else {
        let (_, user) = session(state, headers).await?;
        Ok(Caller {
            user,
            by_session: true,
        })
    }
}
