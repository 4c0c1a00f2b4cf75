//! The outcomes of the surface's writes, and what each means in the
//! platform's one error kind (the envelope renders them).

use domain::{Error, ErrorKind, IntoError};
use table::StoreError;

/// Membership changes (the operator CLI, and accepting an invitation).
#[derive(Debug, thiserror::Error)]
pub enum MemberError {
    #[error("no such site")]
    SiteNotFound,
    #[error("no such user")]
    UserNotFound,
    #[error("the user is a member of the site already")]
    AlreadyMember,
    #[error("the user is not a member of the site")]
    NotMember,
    #[error("the membership changed meanwhile; try again")]
    Changed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Writes to an invitation by a site admin.
#[derive(Debug, thiserror::Error)]
pub enum InvitationWriteError {
    /// The caller stopped being an admin of the site meanwhile.
    #[error("not an admin of the site")]
    NotAdmin,
    #[error("a live invitation for this identifier exists already")]
    Duplicate,
    /// Its status moved between the read and the write.
    #[error("the invitation changed meanwhile")]
    Changed,
    #[error("no such site")]
    SiteNotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Accepting an invitation.
#[derive(Debug, thiserror::Error)]
pub enum AcceptError {
    /// Another accept (or a delete) got there first.
    #[error("the invitation was used or withdrawn meanwhile")]
    Taken,
    #[error("the user is a member of the site already")]
    AlreadyMember,
    #[error("no such site")]
    SiteNotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub fn site_not_found() -> Error {
    Error::not_found("no such site")
}

/// What a caller who is not a member learns: the same as for no site.
pub fn not_a_member() -> Error {
    site_not_found()
}

pub fn not_admin() -> Error {
    Error::forbidden("only the site's admins may do this")
}

fn already_member() -> Error {
    Error::conflict("already_member", "the user is a member of the site already")
}

impl From<MemberError> for Error {
    fn from(e: MemberError) -> Self {
        match e {
            MemberError::SiteNotFound => site_not_found(),
            MemberError::UserNotFound => Error::not_found("no such user"),
            MemberError::AlreadyMember => already_member(),
            MemberError::NotMember => Error::not_found("the user is not a member of the site"),
            MemberError::Changed => Error::conflict("conflict", e.to_string()),
            MemberError::Store(e) => e.into(),
        }
    }
}

impl From<InvitationWriteError> for Error {
    fn from(e: InvitationWriteError) -> Self {
        match e {
            InvitationWriteError::NotAdmin => not_admin(),
            InvitationWriteError::Duplicate => Error::conflict(
                "invitation_exists",
                "a live invitation for this identifier exists already",
            )
            .on("identifier"),
            InvitationWriteError::Changed => Error::conflict(
                "conflict",
                "the invitation changed meanwhile; read it again",
            ),
            InvitationWriteError::SiteNotFound => site_not_found(),
            InvitationWriteError::Store(e) => e.into(),
        }
    }
}

impl From<AcceptError> for Error {
    fn from(e: AcceptError) -> Self {
        match e {
            AcceptError::Taken => Error::new(
                ErrorKind::Conflict,
                "invitation_used",
                "the invitation was used or withdrawn",
            ),
            AcceptError::AlreadyMember => already_member(),
            AcceptError::SiteNotFound => site_not_found(),
            AcceptError::Store(e) => e.into(),
        }
    }
}

impl IntoError for MemberError {}
impl IntoError for InvitationWriteError {}
impl IntoError for AcceptError {}
