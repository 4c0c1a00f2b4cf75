//! What identity's outcomes mean in the platform's one error kind.

use crate::api_key::ApiKeyError;
use crate::bearer::BearerError;
use crate::keyring::KeyError;
use crate::AuthError;
use domain::{Error, ErrorKind, IntoError};

pub fn invalid_token() -> Error {
    Error::new(
        ErrorKind::Unauthenticated,
        "invalid_token",
        "the token is unknown, expired or revoked",
    )
}

impl From<AuthError> for Error {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::InvalidToken => invalid_token(),
            AuthError::Store(e) => e.into(),
        }
    }
}

impl From<BearerError> for Error {
    fn from(e: BearerError) -> Self {
        let challenge = e
            .www_authenticate()
            .and_then(|v| v.to_str().ok().map(str::to_owned));
        let error = match e {
            BearerError::Missing | BearerError::Invalid => Error::new(
                ErrorKind::Unauthenticated,
                "invalid_token",
                "the access token is missing, invalid, expired or revoked",
            ),
            BearerError::MissingScope(scope) => Error::new(
                ErrorKind::Forbidden,
                "insufficient_scope",
                format!("the access token lacks the scope {scope}"),
            ),
            BearerError::Store(e) => e.into(),
            BearerError::Keys(e) => e.into(),
        };
        match challenge {
            Some(c) => error.with_challenge(c),
            None => error,
        }
    }
}

impl From<ApiKeyError> for Error {
    fn from(e: ApiKeyError) -> Self {
        match e {
            ApiKeyError::Missing | ApiKeyError::Invalid => Error::new(
                ErrorKind::Unauthenticated,
                "unauthorized",
                "invalid or missing API key",
            ),
            ApiKeyError::Forbidden(p) => Error::forbidden(format!(
                "insufficient permissions for the request (needs {})",
                p.as_str()
            )),
            ApiKeyError::Store(e) => e.into(),
        }
    }
}

impl From<KeyError> for Error {
    fn from(e: KeyError) -> Self {
        match e {
            KeyError::Store(e) => e.into(),
            other => Error::internal(format!("signing keys: {other}")),
        }
    }
}

impl IntoError for AuthError {}
impl IntoError for BearerError {}
impl IntoError for ApiKeyError {}
impl IntoError for KeyError {}
