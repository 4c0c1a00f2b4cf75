//! A password reset as one use case: the emailed code names its user; one
//! transaction spends it, sets the new password and moves the revocation
//! stamp, so every session and token of the user dies on every surface and
//! of two racing callers exactly one wins. The address the code was sent to
//! gets a security notice in the same transaction. Nobody is logged in.

use crate::AppState;
use domain::codes::{LinkCode, Purpose};
use domain::{password_hash, Error, Message, MessageKind, Password};
use table::{CodeEffect, RedeemError, Redemption};

#[tracing::instrument(skip_all)]
pub async fn reset_password(
    state: &AppState,
    code: &LinkCode,
    new: &Password,
) -> Result<(), Error> {
    let hash = code.hash();
    let (pointer, password_hash) = tokio::join!(
        state.store.get_code_pointer(&hash),
        password_hash::hash(new.expose())
    );
    let pointer = pointer?
        .filter(|p| p.purpose() == Some(Purpose::ResetPassword))
        .filter(|p| p.expires_at > domain::time::now_secs())
        .ok_or(RedeemError::Invalid)?;
    // The security notice goes to the address the code was sent to.
    let notice = pointer
        .payload
        .as_deref()
        .map(|address| Message::new(address, MessageKind::PasswordChanged));
    state
        .store
        .redeem_code(&Redemption {
            user: &pointer.user_id,
            purpose: Purpose::ResetPassword,
            code_hash: &hash,
            pointer: true,
            effect: CodeEffect::ResetPassword {
                password_hash: &password_hash,
            },
            notice: notice.as_ref(),
        })
        .await?;
    Ok(())
}
