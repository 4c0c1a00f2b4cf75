//! The Users API's error envelope, in the family of its success envelope
//! (`{"ok": 1, "data": …}`) and of the document's only error sample
//! (`{"error": "Internal server error"}`, code `InternalError`):
//! `{"ok": 0, "error": "<message>", "code": "<Code>", "field": "<field>"}`
//! (`field` only when one field is at fault), the code in PascalCase.
//! docs/api/users.md lists the codes and statuses. Two functions answer
//! in it: the Users API's and the passkeys'.

use crate::{default_status, pascal_case, Envelope};
use domain::{Error, ErrorKind};
use http::StatusCode;
use serde_json::{json, Value};

pub struct UsersEnvelope;

/// The one code whose status no kind gives (413).
pub const PAYLOAD_TOO_LARGE: &str = "payload_too_large";

impl Envelope for UsersEnvelope {
    fn body(error: &Error) -> Value {
        let (code, message) = match error.kind {
            ErrorKind::Internal => ("InternalError".to_owned(), "Internal server error"),
            ErrorKind::RateLimited => ("TooManyRequests".to_owned(), &*error.message),
            _ if error.is("invalid_token") => ("Unauthorized".to_owned(), &*error.message),
            _ => (pascal_case(error.code), &*error.message),
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
            default_status(error.kind)
        }
    }
}
