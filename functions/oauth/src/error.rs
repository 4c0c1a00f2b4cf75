//! The surface's one error envelope, RFC 6749 §5.2:
//! `{"error": "<code>", "error_description": "…"}`, never cached. Errors
//! that go back to the client through the redirect URI are built in
//! `handlers/authorize.rs`; these are the ones answered directly.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use identity::keyring::KeyError;
use serde_json::json;
use table::StoreError;
use web::InputError;

#[derive(Debug)]
pub struct OAuthError {
    status: StatusCode,
    code: &'static str,
    description: String,
    /// The client tried HTTP Basic: a 401 must carry the Basic challenge.
    basic_challenge: bool,
}

impl OAuthError {
    pub fn new(status: StatusCode, code: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            code,
            description: description.into(),
            basic_challenge: false,
        }
    }

    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    pub fn invalid_grant(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_grant", description)
    }

    pub fn invalid_scope(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_scope", description)
    }

    pub fn invalid_client(basic: bool) -> Self {
        Self {
            basic_challenge: basic,
            ..Self::new(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "client authentication failed",
            )
        }
    }

    pub fn unsupported_grant_type() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant_type must be authorization_code or refresh_token",
        )
    }

    /// No (valid) cookie session from `POST /user/login`.
    pub fn login_required() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "login_required",
            "no signed-in session: sign in with POST /user/login, then repeat this request",
        )
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "internal error",
        )
    }

    pub fn code(&self) -> &'static str {
        self.code
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let mut res = (
            self.status,
            Json(json!({ "error": self.code, "error_description": self.description })),
        )
            .into_response();
        let headers = res.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(1u32));
        }
        if self.basic_challenge {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(r#"Basic realm="oauth""#),
            );
        }
        res
    }
}

impl From<InputError> for OAuthError {
    fn from(e: InputError) -> Self {
        let description = match e.field {
            Some(field) => format!("{field}: {}", e.message),
            None => e.message,
        };
        Self::invalid_request(description)
    }
}

impl From<StoreError> for OAuthError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "store failure");
        match e.retry_after() {
            // RFC 6749's own code for a passing overload.
            Some(_) => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                "busy: try again shortly",
            ),
            None => Self::internal(),
        }
    }
}

impl From<KeyError> for OAuthError {
    fn from(e: KeyError) -> Self {
        tracing::error!(error = %e, "signing key failure");
        Self::internal()
    }
}

pub async fn not_found_route() -> OAuthError {
    OAuthError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
}

pub async fn method_not_allowed() -> OAuthError {
    OAuthError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "method not allowed on this endpoint",
    )
}
