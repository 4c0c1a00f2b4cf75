//! Cookie sessions (the Users API's `/user/login`, and what
//! `/oauth/authorize` reads). The cookie carries an opaque token; the table
//! holds its hash as a `TokenRecord` of kind `session`.

use crate::{check_holder, AuthError};
use domain::User;
use http::header::{COOKIE, SET_COOKIE};
use http::{HeaderMap, HeaderValue};
use table::{Store, TokenRecord};

pub const COOKIE_NAME: &str = "sid";
pub const KIND: &str = "session";
pub const TTL_SECS: i64 = 7 * 24 * 3600;

/// The session token the request's cookie carries, if any.
pub fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_owned())
}

/// The live session of the request and its user (two reads).
pub async fn resolve(store: &Store, headers: &HeaderMap) -> Result<(TokenRecord, User), AuthError> {
    let raw = cookie_token(headers).ok_or(AuthError::InvalidToken)?;
    let record = crate::tokens::resolve(store, &raw, KIND).await?;
    let user = check_holder(store.get_user(&record.user_id).await?, &record)?;
    Ok((record, user))
}

/// `Set-Cookie` for a new session: Secure, HttpOnly, SameSite=Lax (Lax so
/// the OAuth redirect back from a client site still carries it).
pub fn set_cookie(token: &str) -> (http::HeaderName, HeaderValue) {
    let value = format!(
        "{COOKIE_NAME}={token}; Path=/; Max-Age={TTL_SECS}; Secure; HttpOnly; SameSite=Lax"
    );
    (
        SET_COOKIE,
        HeaderValue::from_str(&value).expect("token is alphanumeric"),
    )
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_cookie() -> (http::HeaderName, HeaderValue) {
    let value = format!("{COOKIE_NAME}=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax");
    (
        SET_COOKIE,
        HeaderValue::from_str(&value).expect("static value"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_session_among_other_cookies() {
        let mut h = HeaderMap::new();
        h.append(COOKIE, HeaderValue::from_static("a=1; sid=abc; b=2"));
        assert_eq!(cookie_token(&h).as_deref(), Some("abc"));
        assert_eq!(cookie_token(&HeaderMap::new()), None);
    }
}
