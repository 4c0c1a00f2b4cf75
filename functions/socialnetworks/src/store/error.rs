//! The outcomes of the surface's writes, and what each means in the
//! platform's one error kind (the envelope renders them).

use domain::{Error, ErrorKind, IntoError};
use table::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum NetworkWriteError {
    #[error("no such network")]
    NotFound,
    #[error("the key is taken by another network")]
    KeyTaken,
    #[error("the network has linked users")]
    HasUsers,
    /// The record changed between the read and the write: read again.
    #[error("the network changed meanwhile")]
    Changed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("no such network")]
    NetworkNotFound,
    #[error("the network is disabled")]
    Disabled,
    #[error("the network does not allow registration")]
    RegistrationClosed,
    #[error("no such user")]
    UserNotFound,
    #[error("the network account is linked to a user already")]
    AccountTaken,
    #[error("the user has linked an account of this network already")]
    AlreadyLinked,
    #[error("the network account is not linked")]
    NotLinked,
    /// A second authorization within the network's cooldown.
    #[error("cooldown: retry after {retry_after_secs} s")]
    Cooldown { retry_after_secs: u64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Code of the refused delete of a network that still has users.
pub const HAS_LINKED_USERS: &str = "has_linked_users";

pub fn network_not_found() -> Error {
    Error::not_found("social network not found")
}

pub fn not_linked() -> Error {
    Error::new(
        ErrorKind::NotFound,
        "not_linked",
        "the network account is not linked to a user",
    )
}

impl From<NetworkWriteError> for Error {
    fn from(e: NetworkWriteError) -> Self {
        match e {
            NetworkWriteError::NotFound => network_not_found(),
            NetworkWriteError::KeyTaken => Error::invalid("key", "has already been taken"),
            NetworkWriteError::HasUsers => {
                Error::conflict(HAS_LINKED_USERS, "cannot delete, there are linked users")
            }
            NetworkWriteError::Changed => Error::conflict(
                "conflict",
                "the social network changed meanwhile; try again",
            ),
            NetworkWriteError::Store(e) => e.into(),
        }
    }
}

impl From<LinkError> for Error {
    fn from(e: LinkError) -> Self {
        match e {
            LinkError::NetworkNotFound => network_not_found(),
            LinkError::Disabled => Error::new(
                ErrorKind::Forbidden,
                "network_disabled",
                "the social network is disabled",
            ),
            LinkError::RegistrationClosed => Error::new(
                ErrorKind::Forbidden,
                "registration_closed",
                "registration through this social network is not allowed",
            ),
            LinkError::UserNotFound => Error::invalid("user_id", "no such user"),
            LinkError::AccountTaken => Error::conflict(
                "account_taken",
                "the network account is already linked to a user",
            )
            .on("value"),
            LinkError::AlreadyLinked => Error::conflict(
                "already_linked",
                "the user has already linked an account of this social network",
            )
            .on("user_id"),
            LinkError::NotLinked => not_linked(),
            LinkError::Cooldown { retry_after_secs } => Error::new(
                ErrorKind::RateLimited,
                "cooldown",
                format!("authorized too recently; retry in {retry_after_secs} s"),
            )
            .with_retry_after(retry_after_secs),
            LinkError::Store(e) => e.into(),
        }
    }
}

impl IntoError for NetworkWriteError {}
impl IntoError for LinkError {}
