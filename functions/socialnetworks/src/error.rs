//! The surface's error envelope, in the family of its success bodies (which
//! carry a `message`): `{"message", "code", "field"?}`. Invalid input and a
//! refused delete of a network with users are 422; the rest take their
//! kind's status (a cooldown is 429 with `Retry-After`).

use crate::store::HAS_LINKED_USERS;
use domain::{Error, ErrorKind, FieldError};
use http::StatusCode;
use serde_json::{json, Value};
use web::{default_status, sentence_case, Envelope, Problem};

pub struct SocialNetworks;

pub type ApiError = Problem<SocialNetworks>;

impl Envelope for SocialNetworks {
    fn body(error: &Error) -> Value {
        let mut body = json!({ "message": sentence_case(&error.message), "code": error.code });
        if let Some(field) = &error.field {
            body["field"] = json!(field);
        }
        body
    }

    fn status(error: &Error) -> StatusCode {
        if error.kind == ErrorKind::InvalidInput || error.is(HAS_LINKED_USERS) {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            default_status(error.kind)
        }
    }
}

/// A field every caller must send. Request rules answer a [`FieldError`]
/// (small, and it names the field): the handler's `?` makes it a 422.
pub fn required<T>(value: Option<T>, field: &str) -> Result<T, FieldError> {
    web::required(value, field).map_err(|e| FieldError::new(field, e.message))
}
