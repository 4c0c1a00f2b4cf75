//! A password reset as one use case: the emailed code names its user; one
//! transaction spends it, sets the new password and moves the revocation
//! stamp, so every session and token of the user dies on every surface and
//! of two racing callers exactly one wins. The address the code was sent to
//! gets a security notice in the same transaction. Nobody is logged in.

use crate::gate::Attempt;
use crate::AppState;
use domain::audit::Kind;
use domain::codes::{LinkCode, Purpose};
use domain::{password_hash, Error, Message, MessageKind, Password};
use table::{CodeEffect, RedeemError, Redemption};

#[tracing::instrument(skip_all)]
pub async fn reset_password(
    state: &AppState,
    attempt: &Attempt,
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
    let notice = pointer.payload.as_deref().map(|address| {
        Message::new(address, MessageKind::PasswordChanged).for_user(&pointer.user_id)
    });
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
            audit: &[attempt.event(Kind::PasswordReset)],
        })
        .await?;
    Ok(())
}

/// Items a reset code's write holds (slot, pointer, outbox).
const RESET_WRITE_WIDTH: usize = 3;

/// The refusal when an address's reset-code budget is spent.
pub fn too_many_codes() -> Error {
    domain::codes::RESET_SEND_LIMIT.refusal(
        "too_many_requests",
        "too many codes for this address; try again later",
    )
}

/// Emails a password reset code to `email` (the Users API's `/user/code`,
/// the hosted reset page). The answer, and the work behind it (one
/// rate-limit write beside one sentinel read, then one three-item write
/// queueing the email: two rounds), are the same whether or not an account
/// owns the address: an unknown or unverified address gets a "no account
/// here" email; a verified one gets its code, stored in the same
/// transaction as its email. The address's own budget: spending it never
/// touches sign-in or 2FA.
#[tracing::instrument(skip_all)]
pub async fn send_code(state: &AppState, email: &domain::Email) -> Result<(), Error> {
    // The limit and the lookup run side by side; over the limit, the
    // lookup's answer is dropped, so a 429 says nothing about who exists.
    let key = email.key();
    let (allowed, owner) = tokio::join!(
        state
            .store
            .hit_rate_limit(&domain::codes::RESET_SEND_LIMIT, &key),
        state.store.email_owner(&key)
    );
    if !allowed? {
        return Err(too_many_codes());
    }
    match owner? {
        Some(owner) => {
            let code = LinkCode::generate();
            let mut slot = table::CodeSlot::new(&owner, Purpose::ResetPassword, code.hash());
            // Where the "password changed" notice goes after the reset.
            slot.payload = Some(email.as_str().to_owned());
            let message = Message::new(email.as_str(), MessageKind::ResetCode)
                .with("code", code.expose())
                .for_user(&owner);
            state
                .store
                .put_code_noting(&slot, true, Some(&message))
                .await?;
        }
        None => {
            // The same width of write as a code's (slot, pointer, email),
            // so the time taken does not tell the two apart.
            let notice = Message::new(email.as_str(), MessageKind::NoAccount);
            state
                .store
                .queue_message_padded(Some(&notice), RESET_WRITE_WIDTH)
                .await?;
        }
    }
    Ok(())
}
