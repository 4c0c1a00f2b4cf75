//! The bearer check and a request's first reads in one round trip: the
//! access token's subject is known once its signature and claims verify
//! (no table read while the key ring is cached), so the reads keyed by the
//! caller run beside the check of the user item. Nothing is answered or
//! written before the check has settled.

use crate::{caller, ApiError};
use domain::{Error, User, UserId};
use http::HeaderMap;
use identity::AppState;
use std::future::Future;

/// The verified token's subject, or `None` (the check then says why).
async fn subject(state: &AppState, headers: &HeaderMap) -> Option<UserId> {
    let raw = identity::bearer::bearer_token(headers)?;
    let claims = identity::jwt::verify(&state.access_tokens, raw)
        .await
        .ok()?;
    UserId::parse(&claims.sub).ok()
}

/// The caller (a bearer token with `scope`) and what `reads` found for
/// them, read side by side.
pub async fn with_caller<T, F, Fut>(
    state: &AppState,
    headers: &HeaderMap,
    scope: &'static str,
    reads: F,
) -> Result<(User, T), ApiError>
where
    F: FnOnce(UserId) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let Some(me) = subject(state, headers).await else {
        let principal = caller::bearer(state, headers, scope).await?;
        let found = reads(principal.user.id.clone()).await?;
        return Ok((principal.user, found));
    };
    let (principal, found) = tokio::join!(caller::bearer(state, headers, scope), reads(me.clone()));
    let principal = principal?;
    if principal.user.id != me {
        return Err(identity::invalid_token().into());
    }
    Ok((principal.user, found?))
}
