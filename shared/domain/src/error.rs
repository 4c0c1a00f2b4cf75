//! The platform's one error kind. Every layer (domain, table, identity, the
//! surfaces' own stores) ends in an [`Error`]; each surface only decides how
//! its document renders one (its envelope, in `web`). The kind fixes the
//! meaning, the code names the case in snake_case (`username_taken`), the
//! message is what a caller reads.

use std::borrow::Cow;
use std::fmt;

/// What went wrong, independent of any surface's wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad input; `field` names it when one field is at fault.
    InvalidInput,
    /// No valid credentials (token, session, key, password).
    Unauthenticated,
    /// Authenticated, but not allowed.
    Forbidden,
    NotFound,
    /// The path exists, the method does not (routing).
    MethodNotAllowed,
    /// The state forbids it (taken, changed meanwhile, illegal transition).
    Conflict,
    /// Too many requests; `retry_after` says when to come back.
    RateLimited,
    /// Passing: throttled or colliding writers; always with `retry_after`.
    Unavailable,
    /// A bug or a broken dependency; the detail is logged, never shown.
    Internal,
}

#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub code: &'static str,
    pub message: Cow<'static, str>,
    pub field: Option<Cow<'static, str>>,
    /// Seconds, for `RateLimited` and `Unavailable`.
    pub retry_after: Option<u32>,
    /// A `WWW-Authenticate` challenge the caller must be given.
    pub challenge: Option<Box<str>>,
    /// What the logs get for `Internal` and `Unavailable` (never rendered).
    pub detail: Option<Box<str>>,
    /// The budget a `RateLimited` caller ran out of (its 429's headers).
    pub budget: Option<Box<crate::rate_limit::Budget>>,
}

/// Seconds a caller waits after a passing failure.
pub const RETRY_AFTER_SECS: u32 = 1;

impl Error {
    pub fn new(kind: ErrorKind, code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            kind,
            code,
            message: message.into(),
            field: None,
            retry_after: None,
            challenge: None,
            detail: None,
            budget: None,
        }
    }

    /// Names the field at fault.
    pub fn on(mut self, field: impl Into<Cow<'static, str>>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(u32::try_from(secs).unwrap_or(u32::MAX));
        self
    }

    pub fn with_budget(mut self, budget: crate::rate_limit::Budget) -> Self {
        self.budget = Some(Box::new(budget));
        self
    }

    pub fn with_challenge(mut self, challenge: impl Into<Cow<'static, str>>) -> Self {
        self.challenge = Some(challenge.into().into_owned().into_boxed_str());
        self
    }

    pub fn invalid(
        field: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(ErrorKind::InvalidInput, "invalid_input", message).on(field)
    }

    pub fn not_found(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::NotFound, "not_found", message)
    }

    pub fn forbidden(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Forbidden, "forbidden", message)
    }

    pub fn conflict(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Conflict, code, message)
    }

    /// A passing failure: 503-like, retried after `RETRY_AFTER_SECS`.
    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self {
            detail: Some(detail.into().into_boxed_str()),
            ..Self::new(
                ErrorKind::Unavailable,
                "unavailable",
                "busy: try again shortly",
            )
            .with_retry_after(RETRY_AFTER_SECS.into())
        }
    }

    /// A failure the caller cannot fix; `detail` goes to the logs only.
    pub fn internal(detail: impl Into<String>) -> Self {
        Self {
            detail: Some(detail.into().into_boxed_str()),
            ..Self::new(ErrorKind::Internal, "internal", "internal error")
        }
    }

    pub fn is(&self, code: &str) -> bool {
        self.code == code
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("code", &self.code)
            .field("message", &self.message)
            .field("field", &self.field)
            .field("detail", &self.detail)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(field) = &self.field {
            write!(f, " (field {field})")?;
        }
        if let Some(detail) = &self.detail {
            write!(f, " [{detail}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Error types that end in the platform's [`Error`]. Implementing it lets
/// `?` turn them into any surface's envelope (see `web::Problem`).
pub trait IntoError: Into<Error> {}

impl IntoError for Error {}

impl From<crate::FieldError> for Error {
    fn from(e: crate::FieldError) -> Self {
        Error::invalid(e.field, e.message)
    }
}

impl IntoError for crate::FieldError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_enough_to_return_by_value() {
        // clippy's result_large_err threshold.
        assert!(std::mem::size_of::<Error>() <= 128);
    }

    #[test]
    fn passing_failures_carry_retry_after_and_hide_detail() {
        let e = Error::unavailable("throttled by dynamodb");
        assert_eq!(e.kind, ErrorKind::Unavailable);
        assert_eq!(e.retry_after, Some(RETRY_AFTER_SECS));
        assert!(!e.message.contains("dynamodb"));
        assert!(e.to_string().contains("dynamodb"));
        let e = Error::internal("corrupt item");
        assert_eq!(e.retry_after, None);
        assert!(!e.message.contains("corrupt"));
    }
}
