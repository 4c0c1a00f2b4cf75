//! The surface's error envelope, in the family of its success envelope:
//! `{"status": "error", "error": {"code", "message", "field"}}`, the code
//! in the platform's snake_case. Statuses are the kinds' defaults.

use domain::Error;
use serde_json::{json, Value};

/// How the Accounts API renders the platform's error.
pub struct AccountsEnvelope;

impl web::Envelope for AccountsEnvelope {
    fn body(error: &Error) -> Value {
        let mut body = json!({ "code": error.code, "message": error.message });
        if let Some(field) = &error.field {
            body["field"] = json!(field);
        }
        json!({ "status": "error", "error": body })
    }
}

pub type ApiError = web::Problem<AccountsEnvelope>;
