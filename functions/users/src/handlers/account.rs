//! The account's own lifecycle: delete it, or ask for an archive of its
//! data. Both only queue a job (`table::lifecycle`); the stream-driven
//! worker (`functions/lifecycle`) does the work.

use crate::caller::{either, reauthenticate, PasswordRequest};
use crate::envelope::{done, ok};
use crate::ApiError;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use domain::audit::{Event, Kind};
use domain::scopes::{PROFILE_READ, PROFILE_WRITE};
use domain::{Error, ErrorKind, User};
use identity::gate::Attempt;
use identity::AppState;
use table::lifecycle::{RequestTag, Requester};
use table::TxError;
use web::SignInAttempt;

/// A credential this fresh stands for the password (a sign-in moments ago).
pub const RECENT_SIGN_IN_MS: i64 = 5 * 60 * 1000;

/// `DELETE /user/me`: the password in a JSON body, or none with a cookie
/// session or bearer token issued within the last five minutes.
pub async fn delete_me(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let user = proven(&state, &attempt, &headers, &body).await?;
    let event =
        Event::by_user(Kind::AccountDeleted).from(attempt.source, attempt.user_agent.as_deref());
    match state
        .store
        .request_deletion(&user, Requester::Owner, &event)
        .await
    {
        Ok(_) => Ok(done()),
        Err(TxError::Failed(_)) => Err(crate::error::unauthenticated().into()),
        Err(TxError::Store(e)) => Err(e.into()),
    }
}

/// The caller, proven again: by the password when one is given (counted
/// like a login), else by a credential issued moments ago.
async fn proven(
    state: &AppState,
    attempt: &Attempt,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<User, ApiError> {
    if !body.iter().all(u8::is_ascii_whitespace) {
        let req: PasswordRequest = serde_json::from_slice(body)
            .map_err(|_| Error::invalid("password", "body must be a JSON object"))?;
        return reauthenticate(state, attempt, headers, req).await;
    }
    let caller = either(state, headers, PROFILE_WRITE).await?;
    let now = domain::time::now_ms();
    if now - caller.issued_ms > RECENT_SIGN_IN_MS {
        return Err(Error::invalid(
            "password",
            "is required unless you signed in within the last five minutes",
        )
        .into());
    }
    Ok(caller.user)
}

/// `POST /user/me/export`: 202, the archive's link arrives by email.
pub async fn export_me(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<(StatusCode, Json<impl serde::Serialize>), ApiError> {
    let caller = either(&state, &headers, PROFILE_READ).await?;
    match state.store.request_export(&caller.user.id).await {
        Ok(job) => Ok((
            StatusCode::ACCEPTED,
            ok(serde_json::json!({ "requestedAt": job.requested_at })),
        )),
        Err(TxError::Failed(tags)) if tags.contains(&RequestTag::Pending) => Err(Error::new(
            ErrorKind::Conflict,
            "export_pending",
            "an export is already being prepared: its link arrives by email",
        )
        .into()),
        Err(TxError::Failed(_)) => Err(crate::error::unauthenticated().into()),
        Err(TxError::Store(e)) => Err(e.into()),
    }
}
