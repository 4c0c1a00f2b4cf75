//! Ending sessions as use cases: one cookie session and what it issued, or
//! every session and token of a user on every surface.

use crate::AppState;
use domain::{Error, OpaqueToken, UserId};

/// Deletes the session item and revokes the OAuth grants made through it,
/// so their refresh and access tokens fail on their next use.
#[tracing::instrument(skip_all)]
pub async fn end_session(state: &AppState, session_token: &OpaqueToken) -> Result<(), Error> {
    let hash = session_token.hash();
    let (deleted, revoked) = tokio::join!(
        state.store.delete_token(&hash),
        state.store.revoke_session_grants(&hash)
    );
    deleted?;
    revoked?;
    Ok(())
}

/// Moves the user's `tokens_valid_after` stamp to now: every session,
/// access token and refresh token issued before dies on its next use, on
/// every surface; beside it, ends the caller's own session, if it came with
/// one (deleted at once rather than left to die at its next use).
#[tracing::instrument(skip_all)]
pub async fn end_everywhere(
    state: &AppState,
    user: &UserId,
    own_session: Option<&OpaqueToken>,
) -> Result<(), Error> {
    let own = async {
        match own_session {
            Some(token) => end_session(state, token).await,
            None => Ok(()),
        }
    };
    let (voided, ended) = tokio::join!(state.store.void_tokens(user), own);
    voided?;
    ended
}
