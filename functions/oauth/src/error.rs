//! The surface's envelope, RFC 6749 §5.2: `{"error": "<code>",
//! "error_description": "…"}`, never cached. Errors that go back to the
//! client through the redirect URI are built in `handlers/authorize.rs`;
//! these are the ones answered directly.

use axum::http::{header, HeaderMap, HeaderValue};
use domain::{Error, ErrorKind};
use serde_json::json;
use std::borrow::Cow;

/// RFC 6749's error envelope.
pub struct Rfc6749;

pub type OAuthError = web::Problem<Rfc6749>;

impl web::Envelope for Rfc6749 {
    fn body(error: &Error) -> serde_json::Value {
        let code = match (error.kind, error.code) {
            // RFC 6749's own code for a passing overload.
            (ErrorKind::Unavailable, _) => "temporarily_unavailable",
            (ErrorKind::Internal, _) => "server_error",
            (_, "invalid_input") => "invalid_request",
            (_, "no_route") => "not_found",
            (_, code) => code,
        };
        let description = match &error.field {
            Some(field) => format!("{field}: {}", error.message),
            None => error.message.to_string(),
        };
        json!({ "error": code, "error_description": description })
    }

    fn headers(_: &Error, headers: &mut HeaderMap) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    }
}

type Text = Cow<'static, str>;

pub fn invalid_request(description: impl Into<Text>) -> Error {
    Error::new(ErrorKind::InvalidInput, "invalid_request", description)
}

/// Codes, verifiers and secrets in a URL end up in logs and histories.
pub fn body_only() -> Error {
    invalid_request("send the parameters in the request body, not the query")
}

pub fn invalid_grant(description: impl Into<Text>) -> Error {
    Error::new(ErrorKind::InvalidInput, "invalid_grant", description)
}

pub fn invalid_scope(description: impl Into<Text>) -> Error {
    Error::new(ErrorKind::InvalidInput, "invalid_scope", description)
}

/// `basic`: the client tried HTTP Basic, so the 401 challenges with Basic.
pub fn invalid_client(basic: bool) -> Error {
    let error = Error::new(
        ErrorKind::Unauthenticated,
        "invalid_client",
        "client authentication failed",
    );
    if basic {
        error.with_challenge(r#"Basic realm="oauth""#)
    } else {
        error
    }
}

pub fn unsupported_grant_type() -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        "unsupported_grant_type",
        "grant_type must be authorization_code, refresh_token or client_credentials",
    )
}

pub fn unauthorized_client(description: impl Into<Text>) -> Error {
    Error::new(ErrorKind::InvalidInput, "unauthorized_client", description)
}
