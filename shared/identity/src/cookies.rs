//! How the platform's cookies are written: one place for their attributes.
//! `HttpOnly` and `SameSite=Lax` always (Lax so the OAuth redirect back
//! from a client site still carries the session); `Secure` everywhere but
//! plain-http loopback, where HTTP clients (Python's requests, curl's
//! cookie engine) drop a Secure cookie: `make dev` on 127.0.0.1 works, and
//! nothing reachable from another host ever gets a cookie without it.

use http::header::SET_COOKIE;
use http::{HeaderName, HeaderValue};
use std::sync::OnceLock;

/// Whether cookies carry `Secure` (`COOKIE_SECURE`, default: on unless
/// `OAUTH_ISSUER`, the public base URL, is plain http on loopback).
pub fn secure() -> bool {
    static SECURE: OnceLock<bool> = OnceLock::new();
    *SECURE.get_or_init(|| {
        let issuer = std::env::var("OAUTH_ISSUER").unwrap_or_default();
        match std::env::var("COOKIE_SECURE").ok().as_deref() {
            Some("false" | "0" | "off") => is_loopback_http(&issuer),
            Some(_) => true,
            None => !is_loopback_http(&issuer),
        }
    })
}

/// `http://127.0.0.1…`, `http://localhost…` or `http://[::1]…`.
fn is_loopback_http(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    };
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

/// `Set-Cookie` for `name=value`, living `max_age` seconds (0 removes it).
pub fn set(name: &str, value: &str, max_age: i64) -> (HeaderName, HeaderValue) {
    let secure = if secure() { "; Secure" } else { "" };
    let cookie =
        format!("{name}={value}; Path=/; Max-Age={max_age}{secure}; HttpOnly; SameSite=Lax");
    (
        SET_COOKIE,
        HeaderValue::from_str(&cookie).expect("cookie values are URL-safe"),
    )
}

/// `Set-Cookie` for a cookie only `path` reads and only same-site
/// requests carry (`SameSite=Strict`): what binds a ceremony to the
/// browser that began it.
pub fn set_strict(name: &str, value: &str, max_age: i64, path: &str) -> (HeaderName, HeaderValue) {
    let secure = if secure() { "; Secure" } else { "" };
    let cookie = format!(
        "{name}={value}; Path={path}; Max-Age={max_age}{secure}; HttpOnly; SameSite=Strict"
    );
    (
        SET_COOKIE,
        HeaderValue::from_str(&cookie).expect("cookie values are URL-safe"),
    )
}

/// The value of cookie `name` in the request, if sent.
pub fn get(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_loopback_is_insecure() {
        for url in [
            "http://127.0.0.1:3000",
            "http://localhost",
            "http://[::1]:8080/x",
        ] {
            assert!(is_loopback_http(url), "{url}");
        }
        for url in [
            "https://127.0.0.1:3000",
            "http://127.0.0.1.evil.example",
            "http://example.com",
            "http://10.0.0.1:3000",
            "",
        ] {
            assert!(!is_loopback_http(url), "{url}");
        }
    }

    #[test]
    fn finds_a_cookie_among_others() {
        let mut h = http::HeaderMap::new();
        h.append(
            http::header::COOKIE,
            HeaderValue::from_static("a=1; sid=abc; did=xyz"),
        );
        assert_eq!(get(&h, "did").as_deref(), Some("xyz"));
        assert_eq!(get(&h, "nope"), None);
    }
}
