//! The surface's one error envelope, in the family of its success envelope
//! (`{"ok": 1, "data": …}`) and of the document's only error sample
//! (`{"error": "Internal server error"}`, code `InternalError`):
//! `{"ok": 0, "error": "<message>", "code": "<Code>", "field": "<field>"}`
//! (`field` only when one field is at fault). docs/api/users.md lists the
//! codes and statuses.

use axum::http::header::{RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::FieldError;
use identity::bearer::BearerError;
use identity::{AuthError, LoginError};
use serde_json::json;
use table::{CreateUserError, ProfileUpdateError, RedeemError, StoreError};
use web::InputError;

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    field: Option<String>,
    challenge: Option<HeaderValue>,
    retry_after: Option<u16>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
            challenge: None,
            retry_after: None,
        }
    }

    pub fn on(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "InvalidInput", message).on(field)
    }

    /// A code that is unknown, expired, used, or out of attempts: one answer.
    pub fn invalid_code() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidCode",
            "the code is invalid or expired",
        )
        .on("code")
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "a valid session or access token is required",
        )
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "Forbidden", message)
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "NotFound", "no such user")
    }

    pub fn too_many_requests() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
            "too many requests for this address; try again later",
        )
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            "Internal server error",
        )
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "ok": 0, "error": self.message, "code": self.code });
        if let Some(field) = self.field {
            body["field"] = json!(field);
        }
        let mut response = (self.status, Json(body)).into_response();
        if let Some(challenge) = self.challenge {
            response.headers_mut().insert(WWW_AUTHENTICATE, challenge);
        }
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
        let mut err = Self::new(StatusCode::BAD_REQUEST, "InvalidInput", e.message);
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
                retry_after: Some(u16::try_from(secs).unwrap_or(u16::MAX)),
                ..Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Unavailable",
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
            AuthError::InvalidToken => Self::unauthenticated(),
            AuthError::Store(e) => e.into(),
        }
    }
}

impl From<BearerError> for ApiError {
    fn from(e: BearerError) -> Self {
        let challenge = e.www_authenticate();
        let mut err = match &e {
            BearerError::Missing | BearerError::Invalid => Self::new(
                StatusCode::UNAUTHORIZED,
                "Unauthorized",
                "the access token is missing, invalid, expired or revoked",
            ),
            BearerError::MissingScope(scope) => Self::new(
                StatusCode::FORBIDDEN,
                "InsufficientScope",
                format!("the access token lacks the scope {scope}"),
            ),
            BearerError::Store(_) | BearerError::Keys(_) => {
                tracing::error!(error = %e, "bearer check failure");
                Self::internal()
            }
        };
        err.challenge = challenge;
        err
    }
}

impl From<LoginError> for ApiError {
    fn from(e: LoginError) -> Self {
        match e {
            LoginError::InvalidCredentials => Self::new(
                StatusCode::UNAUTHORIZED,
                "InvalidCredentials",
                "wrong username, email or password",
            ),
            LoginError::Banned => Self::new(
                StatusCode::FORBIDDEN,
                "AccountBanned",
                "the account is banned",
            ),
            LoginError::Store(e) => e.into(),
        }
    }
}

pub fn username_taken() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "UsernameTaken",
        "the username is taken",
    )
    .on("username")
}

impl From<CreateUserError> for ApiError {
    fn from(e: CreateUserError) -> Self {
        match e {
            CreateUserError::UsernameTaken => username_taken(),
            // Handlers answer a taken email without saying so; reaching
            // here would be a handler bug, so it is not a client error.
            CreateUserError::EmailTaken | CreateUserError::SeqTaken => {
                StoreError::Backend(e.to_string()).into()
            }
            CreateUserError::Store(e) => e.into(),
        }
    }
}

impl From<RedeemError> for ApiError {
    fn from(e: RedeemError) -> Self {
        match e {
            RedeemError::Invalid => Self::invalid_code(),
            RedeemError::EmailTaken => Self::new(
                StatusCode::CONFLICT,
                "EmailTaken",
                "the new address was registered by another account meanwhile",
            )
            .on("email"),
            RedeemError::Store(e) => e.into(),
        }
    }
}

impl From<ProfileUpdateError> for ApiError {
    fn from(e: ProfileUpdateError) -> Self {
        match e {
            ProfileUpdateError::UsernameTaken => username_taken(),
            ProfileUpdateError::Conflict => Self::new(
                StatusCode::CONFLICT,
                "Conflict",
                "the user changed meanwhile; read it again and retry",
            ),
            ProfileUpdateError::Store(e) => e.into(),
        }
    }
}

impl From<identity::email::EmailError> for ApiError {
    fn from(e: identity::email::EmailError) -> Self {
        tracing::error!(error = %e, "email failure");
        Self::internal()
    }
}

pub async fn not_found_route() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "NoRoute", "no such endpoint")
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        "method not allowed on this endpoint",
    )
}
