//! Who is calling. App callers are signed-in users with the platform's
//! cookie session (`sid`, what `/user/login` and `/api/action/login/`
//! set); backend callers are servers with an `X-API-Key`. Two paths serve
//! both: a request that carries a key gets the backend behaviour.
//!
//! Cross-site requests: the cookie is `SameSite=Lax` (a browser does not
//! send it on a cross-site POST), and every app request that a browser
//! marks as cross-site (`Sec-Fetch-Site: cross-site`, or an `Origin` other
//! than the request's own host or `APP_ALLOWED_ORIGINS`) is refused first.

use crate::error::authentication_required;
use crate::ApiError;
use domain::{Error, OpaqueToken, User};
use http::header::{HOST, ORIGIN};
use http::HeaderMap;
use identity::api_key::{self, ApiKey, ApiKeyError, Permission};
use identity::{session, AppState, AuthError};
use std::sync::OnceLock;
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

fn allowed_origins() -> &'static Vec<String> {
    static ORIGINS: OnceLock<Vec<String>> = OnceLock::new();
    ORIGINS.get_or_init(|| {
        std::env::var("APP_ALLOWED_ORIGINS")
            .unwrap_or_default()
            .split(',')
            .map(|o| o.trim().trim_end_matches('/').to_owned())
            .filter(|o| !o.is_empty())
            .collect()
    })
}

/// Refuses a request a browser sent from another site (403).
pub fn same_site(headers: &HeaderMap) -> Result<(), Error> {
    let refused = || Error::forbidden("cross-site request refused").on("origin");
    if headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"cross-site"))
    {
        return Err(refused());
    }
    let Some(origin) = headers.get(ORIGIN) else {
        return Ok(());
    };
    let origin = origin
        .to_str()
        .map_err(|_| refused())?
        .trim_end_matches('/');
    let host = headers.get(HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    if origin_host.is_some() && origin_host == host {
        return Ok(());
    }
    if allowed_origins().iter().any(|o| o == origin) {
        return Ok(());
    }
    Err(refused())
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
    same_site(headers)?;
    Ok(session::resolve(&state.store, headers)
        .await
        .map_err(session_error)?)
}

/// The live session alone (one read), for writes that check the user's
/// state in their own condition (not banned, tokens not voided since).
pub async fn session(state: &AppState, headers: &HeaderMap) -> Result<TokenRecord, ApiError> {
    same_site(headers)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn only_same_site_browsers_and_non_browsers_pass() {
        assert!(same_site(&headers(&[])).is_ok());
        assert!(same_site(&headers(&[
            ("host", "a.example"),
            ("origin", "https://a.example")
        ]))
        .is_ok());
        assert!(same_site(&headers(&[
            ("host", "a.example"),
            ("origin", "https://b.example")
        ]))
        .is_err());
        assert!(same_site(&headers(&[("host", "a.example"), ("origin", "null")])).is_err());
        assert!(same_site(&headers(&[("sec-fetch-site", "cross-site")])).is_err());
        assert!(same_site(&headers(&[("sec-fetch-site", "same-origin")])).is_ok());
    }
}
