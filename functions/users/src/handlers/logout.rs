use crate::caller;
use crate::envelope::done;
use crate::ApiError;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use domain::scopes::PROFILE_WRITE;
use domain::OpaqueToken;
use identity::session;
use identity::AppState;

/// Ends the cookie session of the request and what it issued: the session
/// item is deleted and the OAuth grants made through it are revoked, so
/// their refresh and access tokens fail on their next use.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    caller::session(&state, &headers).await?;
    end_cookie_session(&state, &headers).await?;
    Ok(([session::clear_cookie()], done()).into_response())
}

/// Moves the user's `tokens_valid_after` stamp to now: every session,
/// access token and refresh token issued before dies on its next use, on
/// every surface. Takes the cookie session or a bearer token with
/// `delegated:profile:write`.
pub async fn logout_all(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let caller = caller::either(&state, &headers, PROFILE_WRITE).await?;
    state.store.void_tokens(&caller.user.id).await?;
    if caller.by_session {
        end_cookie_session(&state, &headers).await?;
    }
    Ok(([session::clear_cookie()], done()).into_response())
}

async fn end_cookie_session(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    if let Some(token) = session::cookie_token(headers).and_then(|t| OpaqueToken::parse(&t)) {
        let hash = token.hash();
        let (deleted, revoked) = tokio::join!(
            state.store.delete_token(&hash),
            state.store.revoke_session_grants(&hash)
        );
        deleted?;
        revoked?;
    }
    Ok(())
}
