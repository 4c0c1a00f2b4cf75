//! The platform's one error kind on the wire. A surface says only how its
//! document renders an [`Error`] (its [`Envelope`]); the status defaults,
//! `Retry-After`, `WWW-Authenticate` and the log line live here, once.

use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::{Error, ErrorKind, IntoError};
use http::header::{RETRY_AFTER, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderValue, StatusCode};
use std::marker::PhantomData;

/// How one surface's document renders an error.
pub trait Envelope: Send + Sync + 'static {
    /// The body, in the document's shape.
    fn body(error: &Error) -> serde_json::Value;

    /// The status; by default the kind's usual one.
    fn status(error: &Error) -> StatusCode {
        default_status(error.kind)
    }

    /// Headers beyond `Retry-After` and `WWW-Authenticate`, which every
    /// surface sends when the error carries them.
    fn headers(_error: &Error, _headers: &mut HeaderMap) {}
}

pub fn default_status(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::InvalidInput => StatusCode::BAD_REQUEST,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// An [`Error`] answered in surface `E`'s envelope. `?` turns anything that
/// ends in the platform's error into one.
pub struct Problem<E> {
    pub error: Error,
    envelope: PhantomData<fn() -> E>,
}

impl<E> Problem<E> {
    pub fn new(error: Error) -> Self {
        Self {
            error,
            envelope: PhantomData,
        }
    }

    pub fn status_of(&self) -> ErrorKind {
        self.error.kind
    }
}

impl<E> std::fmt::Debug for Problem<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl<E, X: IntoError> From<X> for Problem<E> {
    fn from(error: X) -> Self {
        Self::new(error.into())
    }
}

impl<E: Envelope> IntoResponse for Problem<E> {
    fn into_response(self) -> Response {
        let error = self.error;
        match error.kind {
            ErrorKind::Internal => tracing::error!(error = %error, "request failed"),
            ErrorKind::Unavailable => tracing::warn!(error = %error, "request deferred"),
            _ => tracing::debug!(code = error.code, "request refused"),
        }
        let status = E::status(&error);
        let mut response = (status, Json(E::body(&error))).into_response();
        let headers = response.headers_mut();
        let retry_after = match (error.retry_after, status) {
            (Some(secs), _) => Some(secs),
            // Every 429 says when to come back, whatever produced it.
            (None, StatusCode::TOO_MANY_REQUESTS) => Some(DEFAULT_RETRY_AFTER_SECS),
            (None, _) => None,
        };
        if let Some(secs) = retry_after {
            headers.insert(RETRY_AFTER, HeaderValue::from(secs));
        }
        if let Some(budget) = &error.budget {
            rate_limit_headers(budget, headers);
        }
        if let Some(value) = error
            .challenge
            .as_deref()
            .and_then(|c| HeaderValue::from_str(c).ok())
        {
            headers.insert(WWW_AUTHENTICATE, value);
        }
        E::headers(&error, headers);
        response
    }
}

/// `Retry-After` of a 429 whose error named no window (none does today).
const DEFAULT_RETRY_AFTER_SECS: u32 = 60;

/// The IETF RateLimit headers (draft-ietf-httpapi-ratelimit-headers) of a
/// refused request: the policy it ran out of, nothing left, and when the
/// window resets.
fn rate_limit_headers(budget: &domain::Budget, headers: &mut HeaderMap) {
    let policy = format!(
        "\"{}\";q={};w={}",
        budget.policy, budget.max, budget.window_secs
    );
    let state = format!("\"{}\";r=0;t={}", budget.policy, budget.reset_secs);
    for (name, value) in [("ratelimit-policy", policy), ("ratelimit", state)] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
}

/// The surface's answer for a path it does not serve.
pub async fn no_route<E: Envelope>() -> Problem<E> {
    Problem::new(Error::new(
        ErrorKind::NotFound,
        "no_route",
        "no such endpoint",
    ))
}

/// The surface's answer for a method a path does not take.
pub async fn method_not_allowed<E: Envelope>() -> Problem<E> {
    Problem::new(Error::new(
        ErrorKind::MethodNotAllowed,
        "method_not_allowed",
        "method not allowed on this endpoint",
    ))
}

/// A surface's whole app: its routes, plus answers in its envelope for
/// unknown paths and methods, all behind CORS (`crate::cors`, which
/// answers preflights for any path).
pub fn surface_app<E: Envelope>(routes: axum::Router) -> axum::Router {
    routes
        .fallback(no_route::<E>)
        .method_not_allowed_fallback(method_not_allowed::<E>)
        .layer(axum::middleware::from_fn(crate::cors::cors))
}

/// `snake_case` to `PascalCase`, for documents that spell codes that way.
pub fn pascal_case(code: &str) -> String {
    code.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The first letter in upper case, for documents that write sentences.
pub fn sentence_case(message: &str) -> String {
    let mut chars = message.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Plain;
    impl Envelope for Plain {
        fn body(error: &Error) -> serde_json::Value {
            json!({ "code": error.code })
        }
    }

    #[test]
    fn passing_failures_are_503_with_retry_after_others_500() {
        let busy = Problem::<Plain>::new(Error::unavailable("throttled")).into_response();
        assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.headers()[RETRY_AFTER], "1");
        let broken = Problem::<Plain>::new(Error::internal("corrupt")).into_response();
        assert_eq!(broken.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(broken.headers().get(RETRY_AFTER).is_none());
    }

    #[test]
    fn every_429_carries_retry_after_and_a_budget_its_headers() {
        let bare = Error::new(ErrorKind::RateLimited, "slow", "slow down");
        let r = Problem::<Plain>::new(bare).into_response();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.headers()[RETRY_AFTER], "60");
        let limit = domain::RateLimit {
            scope: "code-send",
            max: 5,
            window_secs: 900,
        };
        let r = Problem::<Plain>::new(limit.refusal_at(1000, "slow", "slow down")).into_response();
        assert_eq!(r.headers()[RETRY_AFTER], "800");
        assert_eq!(r.headers()["ratelimit-policy"], r#""code-send";q=5;w=900"#);
        assert_eq!(r.headers()["ratelimit"], r#""code-send";r=0;t=800"#);
    }

    #[test]
    fn cases() {
        assert_eq!(pascal_case("username_taken"), "UsernameTaken");
        assert_eq!(pascal_case("not_found"), "NotFound");
        assert_eq!(sentence_case("busy: try again"), "Busy: try again");
    }
}
