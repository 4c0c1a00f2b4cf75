//! Cookie sessions (the Users API's `/user/login`, the App Users API, and
//! what `/oauth/authorize` reads). The cookie's value is `<user id>.<token>`:
//! the opaque token proves the session (the table holds its hash as a
//! `TokenRecord` of kind `session`), and the user id, which proves nothing
//! by itself, lets a request read the session and its user side by side:
//! one round trip instead of two. A value without the id (a token alone)
//! is still accepted and read in two steps.

use crate::{check_holder, AuthError};
use domain::{User, UserId};
use http::{HeaderMap, HeaderValue};
use table::{Store, TokenRecord};

pub const COOKIE_NAME: &str = "sid";
pub const KIND: &str = "session";
pub const TTL_SECS: i64 = 7 * 24 * 3600;

/// The cookie's value for a new session of `user`.
pub fn cookie_value(user: &UserId, token: &str) -> String {
    format!("{user}.{token}")
}

/// A session cookie's value, split: the user it claims (a hint) and the
/// token that proves it.
fn split_value(raw: &str) -> (Option<UserId>, &str) {
    match raw.split_once('.') {
        Some((user, token)) => (UserId::parse(user).ok(), token),
        None => (None, raw),
    }
}

/// The raw value of the request's session cookie, if any.
pub fn cookie_value_of(headers: &HeaderMap) -> Option<String> {
    crate::cookies::get(headers, COOKIE_NAME)
}

/// The session token the request's cookie carries, if any.
pub fn cookie_token(headers: &HeaderMap) -> Option<String> {
    cookie_value_of(headers).map(|raw| split_value(&raw).1.to_owned())
}

/// The live session of the request and its user (one round trip).
pub async fn resolve(store: &Store, headers: &HeaderMap) -> Result<(TokenRecord, User), AuthError> {
    let raw = cookie_value_of(headers).ok_or(AuthError::InvalidToken)?;
    resolve_value(store, &raw).await
}

/// [`resolve`], with `reads` for the user the cookie names run beside it
/// (one round trip when the value carries the id). Nothing `reads` found
/// is returned unless the session is live and that user's.
pub async fn resolve_with<T, Fut>(
    store: &Store,
    headers: &HeaderMap,
    reads: impl FnOnce(UserId) -> Fut,
) -> Result<((TokenRecord, User), T), AuthError>
where
    Fut: std::future::Future<Output = T>,
{
    let raw = cookie_value_of(headers).ok_or(AuthError::InvalidToken)?;
    match split_value(&raw).0 {
        // `resolve_value` refuses a session that is not the hint's user.
        Some(hint) => {
            let (session, found) = tokio::join!(resolve_value(store, &raw), reads(hint));
            Ok((session?, found))
        }
        None => {
            let session = resolve_value(store, &raw).await?;
            let found = reads(session.1.id.clone()).await;
            Ok((session, found))
        }
    }
}

/// The live session a cookie value names, and its user: both read at once
/// when the value carries the user id, else one after the other.
pub async fn resolve_value(store: &Store, raw: &str) -> Result<(TokenRecord, User), AuthError> {
    let (hint, token) = split_value(raw);
    let Some(user_id) = hint else {
        let record = crate::tokens::resolve(store, token, KIND).await?;
        let user = check_holder(store.get_user(&record.user_id).await?, &record)?;
        return Ok((record, user));
    };
    let (record, user) = tokio::join!(
        crate::tokens::resolve(store, token, KIND),
        store.get_user(&user_id)
    );
    let record = record?;
    if record.user_id != user_id {
        return Err(AuthError::InvalidToken);
    }
    let user = check_holder(user?, &record)?;
    Ok((record, user))
}

/// `Set-Cookie` for a new session (attributes in cookies.rs: HttpOnly,
/// SameSite=Lax so the OAuth redirect back from a client site still carries
/// it, Secure but on plain-http loopback).
pub fn set_cookie(user: &UserId, token: &str) -> (http::HeaderName, HeaderValue) {
    crate::cookies::set(COOKIE_NAME, &cookie_value(user, token), TTL_SECS)
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_cookie() -> (http::HeaderName, HeaderValue) {
    crate::cookies::set(COOKIE_NAME, "", 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::header::COOKIE;

    #[test]
    fn finds_the_session_among_other_cookies() {
        let mut h = HeaderMap::new();
        h.append(COOKIE, HeaderValue::from_static("a=1; sid=abc; b=2"));
        assert_eq!(cookie_token(&h).as_deref(), Some("abc"));
        let mut h = HeaderMap::new();
        h.append(
            COOKIE,
            HeaderValue::from_static("sid=575b53fbaa87dd30d6963e5d.abc"),
        );
        assert_eq!(cookie_token(&h).as_deref(), Some("abc"));
        let (user, token) = split_value("575b53fbaa87dd30d6963e5d.abc");
        assert_eq!(user.unwrap().as_str(), "575b53fbaa87dd30d6963e5d");
        assert_eq!(token, "abc");
        assert_eq!(cookie_token(&HeaderMap::new()), None);
    }
}
