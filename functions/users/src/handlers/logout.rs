use crate::caller;
use crate::envelope::done;
use crate::ApiError;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use domain::scopes::PROFILE_WRITE;
use domain::OpaqueToken;
use identity::logout::{end_everywhere, end_session, session_grants};
use identity::session;
use identity::AppState;
use web::SignInAttempt;

/// Ends the cookie session of the request and what it issued: the session
/// item is deleted and the OAuth grants made through it are revoked, so
/// their refresh and access tokens fail on their next use.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let token = cookie_session(&headers);
    let grants = async {
        match &token {
            Some(token) => session_grants(&state, token).await,
            None => Ok(Vec::new()),
        }
    };
    let (caller, grants) = tokio::join!(caller::session(&state, &headers), grants);
    caller?;
    if let Some(token) = token {
        end_session(&state, &token, &grants?).await?;
    }
    Ok(([session::clear_cookie()], done()).into_response())
}

/// Moves the user's `tokens_valid_after` stamp to now: every session,
/// access token and refresh token issued before dies on its next use, on
/// every surface. Takes the cookie session or a bearer token with
/// `delegated:profile:write`.
pub async fn logout_all(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let caller = caller::either(&state, &headers, PROFILE_WRITE).await?;
    let own = cookie_session(&headers).filter(|_| caller.by_session);
    end_everywhere(&state, &attempt, &caller.user.id, own.as_ref()).await?;
    Ok(([session::clear_cookie()], done()).into_response())
}

fn cookie_session(headers: &HeaderMap) -> Option<OpaqueToken> {
    session::cookie_token(headers).and_then(|t| OpaqueToken::parse(&t))
}
