//! The surface's errors, in `web::UsersEnvelope` (`{"ok": 0, "error",
//! "code", "field"}`; shared with the passkeys function); docs/api/users.md
//! lists the codes and statuses.

use domain::{Error, ErrorKind};
pub use web::UsersEnvelope;
use web::PAYLOAD_TOO_LARGE;

pub type ApiError = web::Problem<UsersEnvelope>;

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
    use http::StatusCode;
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
