//! A sign-in a passkey proved: the passkeys function verified the
//! assertion (signature, challenge, origin, counter) and found the
//! credential's owner; the rules of `network.rs` apply. A passkey whose
//! authenticator verified its user (PIN, biometrics) is two factors by
//! itself (RFC 8176 `hwk` + `user`, `mfa`); one that did not is the first
//! factor only, and an account with 2FA on gets its challenge.

use super::complete::{FirstFactor, Issue};
use super::network::{prefetch, proven_from, Prefetched};
use super::{Attempt, SignedIn};
use crate::AppState;
use domain::{Error, UserId};

/// The account a passkey's user handle names, and the device, read by the
/// gate beside the passkeys function's reads of the ceremony and the
/// credential: a passkey sign-in is then two rounds (these reads, then
/// the completing write).
pub async fn prefetch_for_passkey(
    state: &AppState,
    attempt: &Attempt,
    handle: &UserId,
) -> Prefetched {
    prefetch(state, attempt, handle).await
}

/// Signs in the owner of a verified passkey, if the prefetched account is
/// theirs (the handle the authenticator sent names the owner).
#[tracing::instrument(skip_all, fields(issue = issue.kind()))]
pub async fn sign_in_by_passkey(
    state: &AppState,
    attempt: &Attempt,
    (read, owner): (Prefetched, &UserId),
    user_verified: bool,
    issue: Issue,
) -> Result<SignedIn, Error> {
    let first = FirstFactor::Passkey {
        verified: user_verified,
    };
    proven_from(state, attempt, (read, owner), first, issue).await
}
