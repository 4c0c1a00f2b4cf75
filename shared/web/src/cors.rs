//! CORS, one home for every surface. The browser origins allowed to call
//! the platform are `ALLOWED_ORIGINS` (the template's `CorsAllowedOrigins`,
//! comma-separated `scheme://host[:port]`; a port of `*` allows any port,
//! as `make dev` does for `http://localhost:*`). A preflight from an
//! allowed origin is answered here, for any path, before routing; from any
//! other origin it is refused with no CORS header. A real request from an
//! allowed origin gets the origin echoed with credentials (the Users and
//! App APIs' cookies) and the headers a client must read; others get none,
//! so browsers keep the answer from the page. The same list admits
//! cookie-bearing state changes (`same_origin`).

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_METHOD, ORIGIN, VARY,
};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use std::sync::OnceLock;

/// Methods a preflight may ask for.
const METHODS: &str = "GET, POST, PUT, PATCH, DELETE";
/// Request headers an app may send beyond the CORS-safelisted ones.
const HEADERS: &str = "authorization, content-type, x-api-key, x-request-id";
/// Response headers an app may read beyond the CORS-safelisted ones.
const EXPOSED: &str = "retry-after, www-authenticate, ratelimit, ratelimit-policy, location, \
                       x-next-cursor, x-request-id";
/// How long a browser may reuse a preflight's answer, in seconds.
const MAX_AGE: &str = "600";

/// The allowed origins: `ALLOWED_ORIGINS`, read once per process.
fn allowed() -> &'static [String] {
    static ORIGINS: OnceLock<Vec<String>> = OnceLock::new();
    ORIGINS.get_or_init(|| parse_list(&std::env::var("ALLOWED_ORIGINS").unwrap_or_default()))
}

/// A comma-separated list of origins, trimmed, without trailing slashes.
fn parse_list(list: &str) -> Vec<String> {
    list.split(',')
        .map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase())
        .filter(|o| !o.is_empty())
        .collect()
}

/// Whether `origin` matches `pattern`: equal (ASCII case aside), or the
/// pattern ends in `:*` and the origin is its host with any port or none.
fn matches(pattern: &str, origin: &str) -> bool {
    let origin = origin.trim_end_matches('/');
    if pattern.eq_ignore_ascii_case(origin) {
        return true;
    }
    let Some(host) = pattern.strip_suffix(":*") else {
        return false;
    };
    let Some(rest) = origin
        .get(..host.len())
        .filter(|head| head.eq_ignore_ascii_case(host))
        .map(|_| &origin[host.len()..])
    else {
        return false;
    };
    rest.is_empty()
        || rest
            .strip_prefix(':')
            .is_some_and(|port| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether a browser origin is one the platform allows (`ALLOWED_ORIGINS`).
pub fn origin_allowed(origin: &str) -> bool {
    allowed().iter().any(|pattern| matches(pattern, origin))
}

/// The request's `Origin`, if a browser sent one that is allowed.
fn allowed_origin(headers: &HeaderMap) -> Option<HeaderValue> {
    let origin = headers.get(ORIGIN)?;
    origin_allowed(origin.to_str().ok()?).then(|| origin.clone())
}

/// The middleware every surface's app and the dev server wrap around all
/// their routes (the fallback included: in the cloud, one function answers
/// `OPTIONS /{proxy+}` for every path).
pub async fn cors(req: Request, next: Next) -> Response {
    let origin = allowed_origin(req.headers());
    let has_origin = req.headers().contains_key(ORIGIN);
    let preflight = req.method() == Method::OPTIONS
        && has_origin
        && req.headers().contains_key(ACCESS_CONTROL_REQUEST_METHOD);
    if preflight {
        return preflight_answer(origin);
    }
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    if has_origin {
        headers.append(VARY, HeaderValue::from_static("origin"));
    }
    if let Some(origin) = origin {
        headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(
            ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
        headers.insert(
            ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSED),
        );
    }
    response
}

/// 204 with the CORS grant for an allowed origin; 403 with no CORS header
/// for any other (the browser then refuses the real request).
fn preflight_answer(origin: Option<HeaderValue>) -> Response {
    let vary = (
        VARY,
        HeaderValue::from_static(
            "origin, access-control-request-method, access-control-request-headers",
        ),
    );
    let Some(origin) = origin else {
        return (StatusCode::FORBIDDEN, [vary]).into_response();
    };
    (
        StatusCode::NO_CONTENT,
        [
            vary,
            (ACCESS_CONTROL_ALLOW_ORIGIN, origin),
            (
                ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            ),
            (
                ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static(METHODS),
            ),
            (
                ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static(HEADERS),
            ),
            (ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static(MAX_AGE)),
        ],
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_origins_and_any_port_patterns() {
        let list = parse_list(" https://app.example.com/ ,http://localhost:*,,");
        assert_eq!(list, ["https://app.example.com", "http://localhost:*"]);
        let ok = |o: &str| list.iter().any(|p| matches(p, o));
        assert!(ok("https://app.example.com"));
        assert!(ok("https://APP.example.com/"));
        assert!(ok("http://localhost:5173"));
        assert!(ok("http://localhost"));
        assert!(!ok("https://localhost:5173"));
        assert!(!ok("http://localhost.evil.example:5173"));
        assert!(!ok("http://localhost:51a"));
        assert!(!ok("http://localhost:"));
        assert!(!ok("https://app.example.com.evil.example"));
        assert!(!ok("null"));
    }
}
