//! The Users API's envelopes (`{"ok": 1, "data": …}`; errors `{"ok": 0,
//! "error", "code", "field"}`, the code in PascalCase): passkeys are part
//! of that API, served by their own function.

use axum::http::{header::AUTHORIZATION, HeaderMap};
use axum::Json;
use domain::scopes::PROFILE_WRITE;
use domain::{Error, ErrorKind, User};
use identity::{bearer, session, AppState};
use serde_json::{json, Value};

pub struct PasskeysEnvelope;

impl web::Envelope for PasskeysEnvelope {
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

    fn status(error: &Error) -> http::StatusCode {
        web::default_status(error.kind)
    }
}

pub type ApiError = web::Problem<PasskeysEnvelope>;

pub fn ok(data: Value) -> Json<Value> {
    Json(json!({ "ok": 1, "data": data }))
}

/// The signed-in caller: a bearer token with `delegated:profile:write`
/// when an `Authorization` header is sent, else the cookie session.
pub async fn caller(state: &AppState, headers: &HeaderMap) -> Result<User, ApiError> {
    if headers.contains_key(AUTHORIZATION) {
        let principal = bearer::authenticate(&state.access_tokens, &state.store, headers).await?;
        principal.require(PROFILE_WRITE)?;
        Ok(principal.user)
    } else {
        Ok(session::resolve(&state.store, headers).await?.1)
    }
}
