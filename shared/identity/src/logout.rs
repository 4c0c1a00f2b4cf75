//! Ending sessions as use cases: one cookie session and what it issued, or
//! every session and token of a user on every surface.

use crate::gate::Attempt;
use crate::AppState;
use domain::audit::Kind;
use domain::{Error, OpaqueToken, UserId};

/// The OAuth grants a cookie session made: a read keyed by the cookie's
/// token alone, for the caller to run beside the session's check, so a
/// logout is two rounds (check ∥ grants, then delete ∥ revocations).
pub async fn session_grants(
    state: &AppState,
    session_token: &OpaqueToken,
) -> Result<Vec<String>, Error> {
    Ok(state.store.session_grants(&session_token.hash()).await?)
}

/// Deletes the session item and revokes the OAuth grants made through it
/// (from [`session_grants`]), so their refresh and access tokens fail on
/// their next use.
#[tracing::instrument(skip_all)]
pub async fn end_session(
    state: &AppState,
    session_token: &OpaqueToken,
    grants: &[String],
) -> Result<(), Error> {
    end_by_hash(state, &session_token.hash(), grants).await
}

/// [`end_session`] by the session token's hash (a session ended from
/// another one: `identity::sessions`).
pub async fn end_by_hash(state: &AppState, hash: &str, grants: &[String]) -> Result<(), Error> {
    let (deleted, revoked) = tokio::join!(
        state.store.delete_token(hash),
        state.store.revoke_refresh_families(grants)
    );
    deleted?;
    revoked?;
    Ok(())
}

/// Moves the user's `tokens_valid_after` stamp to now: every session,
/// access token and refresh token issued before dies on its next use, on
/// every surface; beside it, deletes the caller's own session, if it came
/// with one (at once rather than left to die at its next use). The stamp
/// already kills every grant, so nothing else is read: two rounds with the
/// caller's check.
#[tracing::instrument(skip_all)]
pub async fn end_everywhere(
    state: &AppState,
    attempt: &Attempt,
    user: &UserId,
    own_session: Option<&OpaqueToken>,
) -> Result<(), Error> {
    let own = async {
        match own_session {
            Some(token) => Ok(state.store.delete_token(&token.hash()).await?),
            None => Ok(()),
        }
    };
    let event = attempt.event(Kind::SessionsRevokedAll);
    let (voided, ended, ()) = tokio::join!(
        state.store.void_tokens(user),
        own,
        table::audit::record(&state.store, user, &event)
    );
    voided?;
    ended
}
