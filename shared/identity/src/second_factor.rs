//! The second step of a login that answered with a challenge: the code
//! (emailed, TOTP or a recovery code) is bound to the challenge; five wrong
//! codes end it; a right one completes the login in one transaction that
//! also spends the code, so of two racing callers exactly one wins.

use crate::sign_in::{email_not_verified, SignInPolicy};
use crate::AppState;
use domain::codes::{same_hash, Challenge, Purpose, ShortCode};
use domain::totp::{accepted_step, RecoveryCode, TotpSecret};
use domain::{Error, OpaqueToken, User, UserId};
use table::{CodeEffect, CodeSlot, RedeemError, Redemption, SecondFactor};

/// What the caller typed for the challenge.
pub enum Answer {
    /// Six digits: emailed, or from the authenticator when TOTP is on.
    Short(ShortCode),
    Recovery(RecoveryCode),
}

fn invalid_code() -> Error {
    RedeemError::Invalid.into()
}

/// What the answer proves, or `None`: `Some(None)` for an emailed code (the
/// slot's deletion spends it), `Some(Some(f))` for a TOTP step or a
/// recovery code, which the login write spends under its condition.
fn check(
    slot: &CodeSlot,
    challenge: &Challenge,
    answer: &Answer,
    user: Option<&User>,
    now: i64,
) -> Option<Option<SecondFactor>> {
    match (user.filter(|u| u.totp_secret.is_some()), answer) {
        (Some(u), Answer::Short(code)) => {
            let secret = TotpSecret::parse(u.totp_secret.as_deref()?)?;
            accepted_step(secret.bytes(), code.expose(), now, u.totp_last_step)
                .map(|step| Some(SecondFactor::TotpStep(step)))
        }
        (Some(u), Answer::Recovery(code)) => {
            let hash = code.hash(&u.id);
            u.recovery_codes
                .contains_key(&hash)
                .then_some(Some(SecondFactor::Recovery(hash)))
        }
        (None, Answer::Short(code)) => {
            same_hash(&slot.code_hash, &code.hash(challenge)).then_some(None)
        }
        (None, Answer::Recovery(_)) => None,
    }
}

/// Completes the login of `target` that opened `challenge`; the session
/// token of `policy` is the only copy.
#[tracing::instrument(skip_all)]
pub async fn answer_challenge(
    state: &AppState,
    target: &UserId,
    challenge: &Challenge,
    answer: &Answer,
    policy: &SignInPolicy,
) -> Result<(User, OpaqueToken), Error> {
    let (slot, user) = tokio::join!(
        state.store.get_code_slot(target, Purpose::TwoFactor),
        state.store.get_user(target)
    );
    let now = domain::time::now_secs();
    let slot = slot?
        .filter(|s| s.is_live(now))
        .filter(|s| {
            s.challenge_hash
                .as_deref()
                .is_some_and(|h| same_hash(h, &challenge.hash()))
        })
        .ok_or_else(invalid_code)?;
    let user = user?;
    let Some(second) = check(&slot, challenge, answer, user.as_ref(), now) else {
        state
            .store
            .count_code_failure(target, Purpose::TwoFactor, &slot.code_hash)
            .await?;
        return Err(invalid_code());
    };
    let user = user.ok_or_else(invalid_code)?;
    // A reset or logout-all since the password was checked voids the
    // challenge (the write below re-checks this under its condition).
    if slot.issued_at < user.tokens_valid_after {
        return Err(invalid_code());
    }
    if user.banned {
        return Err(crate::LoginError::Banned.into());
    }
    if policy.require_verified_email && user.verification_pending {
        return Err(email_not_verified());
    }
    let issued = crate::issue(policy.token_kind, &user.id, policy.token_ttl_secs);
    let redeemed = state
        .store
        .redeem_code(&Redemption {
            user: &user.id,
            purpose: Purpose::TwoFactor,
            code_hash: &slot.code_hash,
            pointer: false,
            effect: CodeEffect::Login {
                token_hash: &issued.hash,
                record: &issued.record,
                rehash: slot.payload.as_deref(),
                verified_at: slot.issued_at,
                second: second.as_ref(),
            },
            notice: None,
        })
        .await;
    if let (Err(RedeemError::Invalid), Some(_)) = (&redeemed, &second) {
        // A replayed TOTP step or spent recovery code is a wrong guess too.
        state
            .store
            .count_code_failure(target, Purpose::TwoFactor, &slot.code_hash)
            .await?;
    }
    redeemed?;
    Ok((user, issued.token))
}
