//! The surface's error envelope: `{"error": {"code", "message", "field"?}}`
//! with the kind's status (400 / 401 with `WWW-Authenticate` / 403 / 404 /
//! 409 / 422 / 503). Unknown users named by an invitation are 422.

use domain::Error;
use serde_json::{json, Value};
use web::{Envelope, Problem};

pub struct Sites;

pub type ApiError = Problem<Sites>;

impl Envelope for Sites {
    fn body(error: &Error) -> Value {
        let mut inner = json!({ "code": error.code, "message": error.message });
        if let Some(field) = &error.field {
            inner["field"] = json!(field);
        }
        json!({ "error": inner })
    }

    fn status(error: &Error) -> http::StatusCode {
        if error.is(UNKNOWN_USER) {
            http::StatusCode::UNPROCESSABLE_ENTITY
        } else {
            web::default_status(error.kind)
        }
    }
}

/// An invitation names a platform user who does not exist.
pub const UNKNOWN_USER: &str = "unknown_user";

pub fn unknown_user() -> Error {
    Error::new(
        domain::ErrorKind::InvalidInput,
        UNKNOWN_USER,
        "no platform user has this username or id",
    )
    .on("identifier")
}
