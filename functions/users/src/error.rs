//! The surface's error envelope, in the family of its success envelope
//! (`{"ok": 1, "data": …}`) and of the document's only error sample
//! (`{"error": "Internal server error"}`, code `InternalError`):
//! `{"ok": 0, "error": "<message>", "code": "<Code>", "field": "<field>"}`
//! (`field` only when one field is at fault), the code in PascalCase.
//! docs/api/users.md lists the codes and statuses.

use domain::{Error, ErrorKind};
use http::StatusCode;
use serde_json::{json, Value};

/// How the Users API renders the platform's error.
pub struct UsersEnvelope;

impl web::Envelope for UsersEnvelope {
    fn body(error: &Error) -> Value {
        let (code, message) = match error.kind {
            ErrorKind::Internal => ("InternalError".to_owned(), "Internal server error"),
            ErrorKind::RateLimited => ("TooManyRequests".to_owned(), &*error.message),
            _ if error.is("invalid_token") => ("Unauthorized".to_owned(), &*error.message),
            _ => (web::pascal_case(error.code), &*error.message),
        };
        let mut body = json!({ "ok": 0, "error": message, "code": code });
        if let Some(field) = &error.field {
            body["field"] = json!(field);
        }
        body
    }

    fn status(error: &Error) -> StatusCode {
        if error.is(PAYLOAD_TOO_LARGE) {
            StatusCode::PAYLOAD_TOO_LARGE
        } else {
            web::default_status(error.kind)
        }
    }
}

pub type ApiError = web::Problem<UsersEnvelope>;

/// The one code whose status no kind gives (413).
const PAYLOAD_TOO_LARGE: &str = "payload_too_large";

pub fn payload_too_large(message: String) -> Error {
    Error::new(ErrorKind::InvalidInput, PAYLOAD_TOO_LARGE, message)
}

/// A code that is unknown, expired, used, or out of attempts: one answer,
/// the one a failed redemption gives.
pub fn invalid_code() -> Error {
    table::RedeemError::Invalid.into()
}

/// The session or token was valid a moment ago but is void now.
pub fn unauthenticated() -> Error {
    Error::new(
        ErrorKind::Unauthenticated,
        "invalid_token",
        "a valid session or access token is required",
    )
}

pub fn not_found() -> Error {
    Error::not_found("no such user")
}

#[cfg(test)]
mod tests {
    use super::*;
    use web::Envelope;

    #[test]
    fn codes_are_pascal_case_with_the_documented_exceptions() {
        let code = |e: Error| UsersEnvelope::body(&e)["code"].clone();
        assert_eq!(code(invalid_code()), "InvalidCode");
        assert_eq!(code(identity::invalid_token()), "Unauthorized");
        assert_eq!(
            code(identity::password_reset::too_many_codes()),
            "TooManyRequests"
        );
        assert_eq!(code(Error::internal("x")), "InternalError");
        assert_eq!(
            UsersEnvelope::body(&Error::internal("x"))["error"],
            "Internal server error"
        );
        assert_eq!(
            UsersEnvelope::status(&payload_too_large("big".into())),
            StatusCode::PAYLOAD_TOO_LARGE
        );
    }
}
