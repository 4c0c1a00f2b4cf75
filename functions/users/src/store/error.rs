//! The social half's refusals in the platform's one error kind.

use domain::{Error, ErrorKind};

/// No such user, or one hidden from the caller by a block (as if absent).
pub fn not_found_user() -> Error {
    Error::not_found("no such user")
}

/// A follow of a user the caller blocks.
pub fn blocked() -> Error {
    Error::new(
        ErrorKind::Forbidden,
        "blocked",
        "you block this user; unblock them first",
    )
    .on("target")
}

pub fn not_yourself(field: &'static str) -> Error {
    Error::invalid(field, "cannot be yourself")
}

/// A `target` that must be another, existing user.
pub fn other_user(me: &domain::UserId, target: &domain::UserId, exists: bool) -> Result<(), Error> {
    if me == target {
        return Err(not_yourself("target"));
    }
    if !exists {
        return Err(not_found_user().on("target"));
    }
    Ok(())
}

pub fn entry_not_found(field: &'static str) -> Error {
    Error::new(ErrorKind::NotFound, "not_found", "no such follow entry").on(field)
}

pub fn private_account() -> Error {
    Error::new(
        ErrorKind::Forbidden,
        "private_account",
        "the account is private: only its approved followers see its lists",
    )
}

pub fn invalid_invite_code() -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        "invalid_invite_code",
        "the invite code is unknown or used",
    )
    .on("inviteCode")
}
