//! Sign-ins proven without a password: a social network (`federation`:
//! the caller found the account the network's account is linked to) or a
//! passkey (`passkey.rs`). Every rule of the account but the password
//! still holds here: a ban, an address waiting for its verification, and
//! the second factor, unless what proved the sign-in was both factors
//! already (the challenge remembers what proved the first: `amr` says
//! `fed` or `hwk`). Nothing is guessed, so the password lockout does not
//! apply.

use super::audit::{refused, signed_in};
use super::challenge;
use super::complete::{complete, FirstFactor, Issue, Proof};
use super::password::{banned, device, invalid_credentials};
use super::remember;
use super::{rules_noted, Attempt, SignedIn};
use crate::AppState;
use domain::audit::Failure;
use domain::metrics::{self, Metric};
use domain::{time, Error, User, UserId};
use table::DeviceRecord;

#[tracing::instrument(skip_all, fields(issue = issue.kind()))]
pub async fn sign_in_by_network(
    state: &AppState,
    attempt: &Attempt,
    user: &UserId,
    issue: Issue,
) -> Result<SignedIn, Error> {
    proven(state, attempt, user, FirstFactor::Network, issue).await
}

/// What a proven sign-in decides on, read side by side: the account and
/// the device. Only the gate reads it (`prefetch`), so a caller can run it
/// beside its own reads without being able to forge the account's state.
pub struct Prefetched {
    user: Result<Option<User>, Error>,
    known: Result<Option<DeviceRecord>, Error>,
}

/// Reads what signing `user` in decides on.
pub(super) async fn prefetch(state: &AppState, attempt: &Attempt, user: &UserId) -> Prefetched {
    let (user, known) = tokio::join!(state.store.get_user(user), device(&state.store, attempt));
    Prefetched {
        user: user.map_err(Error::from),
        known,
    }
}

/// Signs `user` in, `first` having proven who they are.
pub(super) async fn proven(
    state: &AppState,
    attempt: &Attempt,
    user: &UserId,
    first: FirstFactor,
    issue: Issue,
) -> Result<SignedIn, Error> {
    let read = prefetch(state, attempt, user).await;
    proven_from(state, attempt, (read, user), first, issue).await
}

/// Signs the prefetched account in, if it is `user`.
pub(super) async fn proven_from(
    state: &AppState,
    attempt: &Attempt,
    (read, user): (Prefetched, &UserId),
    first: FirstFactor,
    issue: Issue,
) -> Result<SignedIn, Error> {
    let result = async {
        let known = read.known;
        // An account being deleted is as good as gone.
        let user = read
            .user?
            .filter(|u| u.deleting_since.is_none() && &u.id == user)
            .ok_or_else(invalid_credentials)?;
        if user.banned {
            refused(&state.store, &user.id, attempt, Failure::Banned, first).await;
            return Err(banned());
        }
        rules_noted(&state.store, attempt, &user, first).await?;
        let now = time::now_ms();
        let known = remember::trusted(attempt, known?, &user, now);
        let due = super::due::second_factor_due(&state.config, &user, first);
        if due && !remember::remembers(known.as_ref(), &user, now) {
            return challenge::open(&state.store, user, None, first).await;
        }
        let device = remember::keep(attempt, &user, known.as_ref(), false);
        let checked = user.password_hash.clone();
        let skipped = due.then_some(remember::SKIPPED);
        let proof = Proof {
            first,
            checked_hash: &checked,
            rehash: None,
            second: None,
            events: signed_in(attempt, first, skipped, &device.token),
        };
        Ok(SignedIn::Completed(
            complete(state, user, issue, device, proof).await?,
        ))
    }
    .await;
    let outcome = match &result {
        Ok(SignedIn::Completed(_)) => "completed",
        Ok(SignedIn::Challenge { .. }) => "challenged",
        Err(e) => super::refusal(e),
    };
    metrics::count(Metric::SignIn, outcome);
    result
}
