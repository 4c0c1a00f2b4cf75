//! What the table's outcomes mean in the platform's one error kind. Errors
//! whose meaning depends on the caller (a guarded write's actor or target)
//! have no mapping here: the use case that knows says what they mean.

use crate::{CreateUserError, InvalidCursor, ProfileUpdateError, RedeemError, StoreError};
use domain::{Error, ErrorKind, IntoError};

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(detail) => Error::unavailable(detail),
            other => Error::internal(other.to_string()),
        }
    }
}

impl From<InvalidCursor> for Error {
    fn from(_: InvalidCursor) -> Self {
        Error::invalid("cursor", "is not a cursor this API handed out")
    }
}

pub fn username_taken() -> Error {
    Error::conflict("username_taken", "the username is taken").on("username")
}

pub fn email_taken() -> Error {
    Error::conflict("email_taken", "the email is already registered").on("email")
}

impl From<CreateUserError> for Error {
    fn from(e: CreateUserError) -> Self {
        match e {
            CreateUserError::UsernameTaken => username_taken(),
            CreateUserError::EmailTaken => email_taken(),
            CreateUserError::SeqTaken => Error::unavailable("integer id taken"),
            CreateUserError::Store(e) => e.into(),
        }
    }
}

impl From<RedeemError> for Error {
    fn from(e: RedeemError) -> Self {
        match e {
            RedeemError::Invalid => Error::new(
                ErrorKind::InvalidInput,
                "invalid_code",
                "the code is invalid or expired",
            )
            .on("code"),
            RedeemError::EmailTaken => Error::conflict(
                "email_taken",
                "the new address was registered by another account meanwhile",
            )
            .on("email"),
            RedeemError::Store(e) => e.into(),
        }
    }
}

impl From<ProfileUpdateError> for Error {
    fn from(e: ProfileUpdateError) -> Self {
        match e {
            ProfileUpdateError::UsernameTaken => username_taken(),
            ProfileUpdateError::Conflict => Error::conflict(
                "conflict",
                "the user changed meanwhile; read it again and retry",
            ),
            ProfileUpdateError::Store(e) => e.into(),
        }
    }
}

impl IntoError for StoreError {}
impl IntoError for InvalidCursor {}
impl IntoError for CreateUserError {}
impl IntoError for RedeemError {}
impl IntoError for ProfileUpdateError {}
