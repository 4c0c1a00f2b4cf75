//! TOTP enrolment as use cases, for every surface that offers it (the
//! Users API's `/user/2fa/totp/*`, the hosted account page): a fresh secret
//! kept pending until a code from it is confirmed, so a half-done setup
//! never locks the account; the confirmation turns TOTP on and hands out
//! the recovery codes, this once (only their hashes are stored).

use crate::gate::Attempt;
use crate::AppState;
use domain::audit::Kind;
use domain::codes::ShortCode;
use domain::totp::{accepted_step, RecoveryCode, TotpSecret, RECOVERY_CODES};
use domain::{Error, ErrorKind, Message, MessageKind, User};

/// The caller's credential was valid a moment ago but the user is gone.
fn gone() -> Error {
    Error::new(
        ErrorKind::Unauthenticated,
        "invalid_token",
        "a valid session or access token is required",
    )
}

fn invalid_code() -> Error {
    table::RedeemError::Invalid.into()
}

/// Starts enrolment for `user` (already proven by their password): the new
/// pending secret.
#[tracing::instrument(skip_all)]
pub async fn start(state: &AppState, user: &User) -> Result<TotpSecret, Error> {
    let secret = TotpSecret::generate();
    if !state
        .store
        .set_totp_pending(&user.id, &secret.base32())
        .await?
    {
        return Err(gone());
    }
    Ok(secret)
}

/// Confirms the pending secret with a code from it: TOTP becomes the
/// account's second factor; the recovery codes, shown once, are returned.
#[tracing::instrument(skip_all)]
pub async fn confirm(
    state: &AppState,
    attempt: &Attempt,
    user: &User,
    code: &ShortCode,
) -> Result<Vec<RecoveryCode>, Error> {
    let pending = user.totp_pending.as_deref().ok_or_else(invalid_code)?;
    let secret = TotpSecret::parse(pending).ok_or_else(invalid_code)?;
    let now = domain::time::now_secs();
    let step = accepted_step(secret.bytes(), code.expose(), now, 0).ok_or_else(invalid_code)?;
    let codes: Vec<RecoveryCode> = (0..RECOVERY_CODES)
        .map(|_| RecoveryCode::generate())
        .collect();
    let hashes: Vec<String> = codes.iter().map(|c| c.hash(&user.id)).collect();
    let notice = Message::to_user(user, MessageKind::TotpEnabled);
    let event = attempt.event(Kind::TotpEnabled);
    if !state
        .store
        .activate_totp(&user.id, pending, step, &hashes, &notice, &event)
        .await?
    {
        return Err(invalid_code());
    }
    Ok(codes)
}
