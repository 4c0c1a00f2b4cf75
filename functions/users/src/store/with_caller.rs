//! The bearer check and a request's first reads in one round trip
//! (`identity::bearer::authenticate_with`): nothing is answered or written
//! before the check has settled.

use crate::ApiError;
use domain::{Error, User, UserId};
use http::HeaderMap;
use identity::AppState;
use std::future::Future;

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
    let (principal, found) = identity::bearer::authenticate_with(
        &state.access_tokens,
        &state.store,
        headers,
        scope,
        reads,
    )
    .await?;
    Ok((principal.user, found?))
}
