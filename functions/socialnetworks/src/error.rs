//! The surface's one error envelope, in the family of its success bodies
//! (which carry a `message`): `{"message", "code", "field"?}`; a cooldown
//! adds `Retry-After`. Every shared error type maps here.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::FieldError;
use identity::api_key::ApiKeyError;
use serde_json::json;
use table::{LinkError, NetworkWriteError, StoreError};
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

    /// 422 naming the offending field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", message).on(field)
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "Social network not found",
        )
    }

    pub fn not_linked() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_linked",
            "The network account is not linked to a user",
        )
    }

    fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "message": self.message, "code": self.code });
        if let Some(field) = self.field {
            body["field"] = json!(field);
        }
        let mut response = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(http::header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl From<InputError> for ApiError {
    fn from(e: InputError) -> Self {
        let mut err = Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", e.message);
        err.field = e.field;
        err
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        Self::invalid(&e.field, e.message)
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
                    "Busy: try again shortly",
                )
            },
            None => Self::internal(),
        }
    }
}

impl From<ApiKeyError> for ApiError {
    fn from(e: ApiKeyError) -> Self {
        match e {
            ApiKeyError::Missing | ApiKeyError::Invalid => Self::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Invalid or missing API key",
            ),
            ApiKeyError::Forbidden(p) => Self::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!(
                    "Insufficient permissions for the request (needs {})",
                    p.as_str()
                ),
            ),
            ApiKeyError::Store(e) => e.into(),
        }
    }
}

impl From<NetworkWriteError> for ApiError {
    fn from(e: NetworkWriteError) -> Self {
        match e {
            NetworkWriteError::NotFound => Self::not_found(),
            NetworkWriteError::KeyTaken => Self::invalid("key", "has already been taken"),
            NetworkWriteError::HasUsers => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "has_linked_users",
                "Cannot delete, there are linked users",
            ),
            NetworkWriteError::Changed => Self::new(
                StatusCode::CONFLICT,
                "conflict",
                "The social network changed meanwhile; try again",
            ),
            NetworkWriteError::Store(e) => e.into(),
        }
    }
}

impl From<LinkError> for ApiError {
    fn from(e: LinkError) -> Self {
        match e {
            LinkError::NetworkNotFound => Self::not_found(),
            LinkError::Disabled => Self::new(
                StatusCode::FORBIDDEN,
                "network_disabled",
                "The social network is disabled",
            ),
            LinkError::RegistrationClosed => Self::new(
                StatusCode::FORBIDDEN,
                "registration_closed",
                "Registration through this social network is not allowed",
            ),
            LinkError::UserNotFound => Self::invalid("user_id", "no such user"),
            LinkError::AccountTaken => Self::new(
                StatusCode::CONFLICT,
                "account_taken",
                "The network account is already linked to a user",
            )
            .on("value"),
            LinkError::AlreadyLinked => Self::new(
                StatusCode::CONFLICT,
                "already_linked",
                "The user has already linked an account of this social network",
            )
            .on("user_id"),
            LinkError::NotLinked => Self::not_linked(),
            LinkError::Cooldown { retry_after_secs } => {
                let mut err = Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "cooldown",
                    format!("Authorized too recently; retry in {retry_after_secs} s"),
                );
                err.retry_after = Some(retry_after_secs);
                err
            }
            LinkError::Store(e) => e.into(),
        }
    }
}

pub async fn not_found_route() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no_route", "No such endpoint")
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "Method not allowed on this endpoint",
    )
}
