//! A sign-in a passkey proved: the passkeys function verified the
//! assertion (signature, challenge, origin, counter) and found the
//! credential's owner; the rules of `network.rs` apply. A passkey whose
//! authenticator verified its user (PIN, biometrics) is two factors by
//! itself (RFC 8176 `hwk` + `user`, `mfa`); one that did not is the first
//! factor only, and an account with 2FA on gets its challenge.

use super::complete::{FirstFactor, Issue};
use super::network::proven;
use super::{Attempt, SignedIn};
use crate::AppState;
use domain::{Error, UserId};

#[tracing::instrument(skip_all, fields(issue = issue.kind()))]
pub async fn sign_in_by_passkey(
    state: &AppState,
    attempt: &Attempt,
    user: &UserId,
    user_verified: bool,
    issue: Issue,
) -> Result<SignedIn, Error> {
    let first = FirstFactor::Passkey {
        verified: user_verified,
    };
    proven(state, attempt, user, first, issue).await
}
