//! A sign-in a social network proved (`federation`): the caller found the
//! account the network's account is linked to. Every rule of the account
//! but the password still holds here: a ban, an address waiting for its
//! verification, and the second factor (the challenge remembers that a
//! network, not a password, proved the first one: `amr` says `fed`).

use super::audit::{refused, signed_in};
use super::challenge;
use super::complete::{complete, device_for, FirstFactor, Issue, Proof};
use super::password::{banned, device, invalid_credentials, Trust};
use super::{rules_noted, Attempt, SignedIn};
use crate::AppState;
use domain::metrics::{self, Metric};
use domain::{time, Error, UserId};

#[tracing::instrument(skip_all, fields(issue = issue.kind()))]
pub async fn sign_in_by_network(
    state: &AppState,
    attempt: &Attempt,
    user: &UserId,
    issue: Issue,
) -> Result<SignedIn, Error> {
    let result = sign_in_once(state, attempt, user, issue).await;
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
    issue: Issue,
) -> Result<SignedIn, Error> {
    let (user, known) = tokio::join!(state.store.get_user(user), device(&state.store, attempt));
    // An account being deleted is as good as gone.
    let user = user?
        .filter(|u| u.deleting_since.is_none())
        .ok_or_else(invalid_credentials)?;
    if user.banned {
        let reason = domain::audit::Failure::Banned;
        refused(
            &state.store,
            &user.id,
            attempt,
            reason,
            FirstFactor::Network,
        )
        .await;
        return Err(banned());
    }
    rules_noted(&state.store, attempt, &user, FirstFactor::Network).await?;
    if user.two_factor_enabled {
        return challenge::open(&state.store, user, None, FirstFactor::Network).await;
    }
    let trust = Trust::of(attempt, known?, Some(&user), time::now_ms());
    let device = device_for(attempt, matches!(trust, Trust::Device { .. }));
    let checked = user.password_hash.clone();
    let proof = Proof {
        first: FirstFactor::Network,
        checked_hash: &checked,
        rehash: None,
        second: None,
        events: signed_in(attempt, FirstFactor::Network, None, &device),
    };
    Ok(SignedIn::Completed(
        complete(state, user, issue, device, proof).await?,
    ))
}
