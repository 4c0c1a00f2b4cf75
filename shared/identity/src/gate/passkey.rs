//! A sign-in a passkey proved: the passkeys function verified the
//! assertion (signature, challenge, origin, counter) and found the
//! credential's owner. Every rule of the account but the password holds
//! here: a ban, an address waiting for its verification, and 2FA. A
//! passkey whose authenticator verified its user (PIN, biometrics) is two
//! factors by itself (RFC 8176 `hwk` + `user`, `mfa`); one that did not is
//! the first factor only, and an account with 2FA on gets its challenge.
//! No password is guessed here, so the password lockout does not apply.

use super::challenge;
use super::complete::{complete, device_for, FirstFactor, Issue, Proof};
use super::password::{banned, device, invalid_credentials, Trust};
use super::{account_rules, Attempt, SignedIn};
use crate::AppState;
use domain::metrics::{self, Metric};
use domain::{time, Error, UserId};

#[tracing::instrument(skip_all, fields(issue = issue.kind()))]
pub async fn sign_in_by_passkey(
    state: &AppState,
    attempt: &Attempt,
    user: &UserId,
    user_verified: bool,
    issue: Issue,
) -> Result<SignedIn, Error> {
    let result = sign_in_once(state, attempt, user, user_verified, issue).await;
    let outcome = match &result {
        Ok(SignedIn::Completed(_)) => "completed",
        Ok(SignedIn::Challenge { .. }) => "challenged",
        Err(e) => super::refusal(e),
    };
    metrics::count(Metric::SignIn, outcome);
    result
}

async fn sign_in_once(
    state: &AppState,
    attempt: &Attempt,
    user: &UserId,
    verified: bool,
    issue: Issue,
) -> Result<SignedIn, Error> {
    let (user, known) = tokio::join!(state.store.get_user(user), device(&state.store, attempt));
    let user = user?
        .filter(|u| u.deleting_since.is_none())
        .ok_or_else(invalid_credentials)?;
    if user.banned {
        return Err(banned());
    }
    account_rules(&user)?;
    let first = FirstFactor::Passkey { verified };
    if user.two_factor_enabled && !verified {
        return challenge::open(&state.store, user, None, first).await;
    }
    let trust = Trust::of(attempt, known?, Some(&user), time::now_ms());
    let device = device_for(attempt, matches!(trust, Trust::Device { .. }));
    let checked = user.password_hash.clone();
    let proof = Proof {
        first,
        checked_hash: &checked,
        rehash: None,
        second: None,
    };
    Ok(SignedIn::Completed(
        complete(state, user, issue, device, proof).await?,
    ))
}
