//! The document's error shape: `{"error": <code>, "message", "field"?}`
//! with its five codes (`validation_error`, `invalid_credentials`,
//! `authentication_required`, `permission_denied`, `user_not_found`) and
//! 400 / 401 / 403 / 404; a taken username or email is a
//! `validation_error` naming the field. Passing failures keep 503 (and
//! 429 for rate limits) with `Retry-After`.

use domain::{Error, ErrorKind};
use http::StatusCode;
use serde_json::{json, Value};
use web::{default_status, sentence_case, Envelope, Problem};

pub struct AppEnvelope;

pub type ApiError = Problem<AppEnvelope>;

pub const USER_NOT_FOUND: &str = "user_not_found";

/// Codes that are the document's `validation_error` though their kind is
/// a conflict (a taken name is bad input to a form).
fn is_taken(error: &Error) -> bool {
    error.is("username_taken") || error.is("email_taken")
}

fn wording(error: &Error) -> (&'static str, String) {
    let own = || sentence_case(&error.message);
    match error.kind {
        ErrorKind::InvalidInput => ("validation_error", own()),
        ErrorKind::Conflict if is_taken(error) => ("validation_error", own()),
        ErrorKind::Unauthenticated if error.is("invalid_credentials") => {
            ("invalid_credentials", "Invalid username or password".into())
        }
        ErrorKind::Unauthenticated => (
            "authentication_required",
            "Authentication is required for this endpoint".into(),
        ),
        ErrorKind::Forbidden if error.is("forbidden") => (
            "permission_denied",
            "You don't have permission to perform this action".into(),
        ),
        ErrorKind::Forbidden => ("permission_denied", own()),
        ErrorKind::NotFound if error.is(USER_NOT_FOUND) => {
            (USER_NOT_FOUND, "User not found".into())
        }
        ErrorKind::NotFound => ("not_found", own()),
        ErrorKind::MethodNotAllowed => ("method_not_allowed", own()),
        ErrorKind::Conflict => ("conflict", own()),
        ErrorKind::RateLimited => ("rate_limited", own()),
        ErrorKind::Unavailable => ("unavailable", own()),
        ErrorKind::Internal => ("internal_error", own()),
    }
}

impl Envelope for AppEnvelope {
    fn body(error: &Error) -> Value {
        let (code, message) = wording(error);
        let mut body = json!({ "error": code, "message": message });
        if let Some(field) = &error.field {
            body["field"] = json!(field);
        }
        body
    }

    fn status(error: &Error) -> StatusCode {
        if is_taken(error) {
            StatusCode::BAD_REQUEST
        } else {
            default_status(error.kind)
        }
    }
}

pub fn user_not_found() -> Error {
    Error::new(ErrorKind::NotFound, USER_NOT_FOUND, "User not found")
}

pub fn authentication_required() -> Error {
    Error::new(
        ErrorKind::Unauthenticated,
        "authentication_required",
        "Authentication is required for this endpoint",
    )
}
