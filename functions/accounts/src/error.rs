//! The surface's one error envelope, in the family of its success envelope:
//! `{"status": "error", "error": {"code", "message", "field"}}`.

use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::FieldError;
use identity::{AuthError, LoginError};
use serde_json::json;
use table::{CreateUserError, InvalidCursor, StoreError};
use web::InputError;

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    field: Option<String>,
    retry_after: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }

    fn on(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_input", message).on(field)
    }

    pub fn invalid_token() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "the token is unknown, expired or revoked",
        )
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "no such account")
    }

    fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let Some(field) = self.field {
            error["field"] = json!(field);
        }
        let mut response = (
            self.status,
            Json(json!({ "status": "error", "error": error })),
        )
            .into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl From<InputError> for ApiError {
    fn from(e: InputError) -> Self {
        let mut err = Self::new(StatusCode::BAD_REQUEST, "invalid_input", e.message);
        err.field = e.field;
        err
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        Self::invalid(&e.field, e.message)
    }
}

impl From<InvalidCursor> for ApiError {
    fn from(_: InvalidCursor) -> Self {
        Self::invalid("cursor", "is not a cursor this API handed out")
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "store failure");
        match e.retry_after() {
            Some(secs) => Self {
                retry_after: Some(secs),
                ..Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "busy: try again shortly",
                )
            },
            None => Self::internal(),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::InvalidToken => Self::invalid_token(),
            AuthError::Store(e) => e.into(),
        }
    }
}

impl From<LoginError> for ApiError {
    fn from(e: LoginError) -> Self {
        match e {
            LoginError::InvalidCredentials => Self::new(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "wrong username or password",
            ),
            LoginError::Banned => Self::new(
                StatusCode::FORBIDDEN,
                "account_banned",
                "the account is banned",
            ),
            LoginError::Store(e) => e.into(),
        }
    }
}

impl From<CreateUserError> for ApiError {
    fn from(e: CreateUserError) -> Self {
        match e {
            CreateUserError::UsernameTaken => Self::new(
                StatusCode::CONFLICT,
                "username_taken",
                "the username is taken",
            )
            .on("username"),
            CreateUserError::EmailTaken => Self::new(
                StatusCode::CONFLICT,
                "email_taken",
                "the email is already registered",
            )
            .on("email"),
            CreateUserError::SeqTaken => StoreError::Unavailable("integer id taken".into()).into(),
            CreateUserError::Store(e) => e.into(),
        }
    }
}

pub async fn not_found_route() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no_route", "no such endpoint")
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "method not allowed on this endpoint",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passing_store_failures_are_503_with_retry_after_others_500() {
        let busy = ApiError::from(StoreError::Unavailable("throttled".into())).into_response();
        assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.headers()[RETRY_AFTER], "1");
        let broken = ApiError::from(StoreError::Corrupt("x".into())).into_response();
        assert_eq!(broken.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(broken.headers().get(RETRY_AFTER).is_none());
    }
}
