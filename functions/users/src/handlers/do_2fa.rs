use crate::error::invalid_code;
use crate::fields::code_text;
use crate::login_flow::{check_verified, issue_session, logged_in};
use crate::ApiError;
use axum::extract::State;
use axum::response::Response;
use domain::codes::{same_hash, Challenge, Purpose, ShortCode};
use domain::totp::{accepted_step, RecoveryCode, TotpSecret};
use domain::{Error, User, UserId};
use identity::AppState;
use serde::Deserialize;
use serde_json::Value;
use table::{CodeEffect, CodeSlot, RedeemError, Redemption, SecondFactor};
use web::{required, Input};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Do2faRequest {
    target: Option<String>,
    /// A string, or a number as in the document's sample.
    code: Option<Value>,
    session_hash: Option<String>,
}

/// What was typed: six digits (emailed or TOTP) or a recovery code.
enum Given {
    Short(ShortCode),
    Recovery(RecoveryCode),
}

/// What the code proves, or `None`: `Some(None)` for an emailed code (the
/// slot's deletion spends it), `Some(Some(f))` for a TOTP step or a
/// recovery code, which the login write spends under its condition.
fn check(
    slot: &CodeSlot,
    challenge: &Challenge,
    given: &Given,
    user: Option<&User>,
    now: i64,
) -> Option<Option<SecondFactor>> {
    match (user.filter(|u| u.totp_secret.is_some()), given) {
        (Some(u), Given::Short(code)) => {
            let secret = TotpSecret::parse(u.totp_secret.as_deref()?)?;
            accepted_step(secret.bytes(), code.expose(), now, u.totp_last_step)
                .map(|step| Some(SecondFactor::TotpStep(step)))
        }
        (Some(u), Given::Recovery(code)) => {
            let hash = code.hash(&u.id);
            u.recovery_codes
                .contains_key(&hash)
                .then_some(Some(SecondFactor::Recovery(hash)))
        }
        (None, Given::Short(code)) => {
            same_hash(&slot.code_hash, &code.hash(challenge)).then_some(None)
        }
        (None, Given::Recovery(_)) => None,
    }
}

/// Completes a login that answered `2faEnabled: true`. The code is bound to
/// that login's `sessionHash`; five wrong codes end the challenge (log in
/// again for a new one, which also replaces the old code). With TOTP on,
/// the code is the authenticator's or a recovery code, each usable once.
pub async fn do_2fa(
    State(state): State<AppState>,
    Input(req, _): Input<Do2faRequest, ApiError>,
) -> Result<Response, ApiError> {
    let target = UserId::parse(&required(req.target, "target")?).map_err(|e| e.at("target"))?;
    let raw_code = code_text(required(req.code, "code")?)?;
    let given = match (ShortCode::parse(&raw_code), RecoveryCode::parse(&raw_code)) {
        (Some(code), _) => Given::Short(code),
        (None, Some(code)) => Given::Recovery(code),
        (None, None) => {
            return Err(Error::invalid("code", "must be 6 digits or a recovery code").into())
        }
    };
    let challenge = Challenge::parse(&required(req.session_hash, "sessionHash")?)
        .ok_or_else(|| Error::invalid("sessionHash", "is not a session hash /user/login gave"))?;

    let (slot, user) = tokio::join!(
        state.store.get_code_slot(&target, Purpose::TwoFactor),
        state.store.get_user(&target)
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
    let Some(second) = check(&slot, &challenge, &given, user.as_ref(), now) else {
        state
            .store
            .count_code_failure(&target, Purpose::TwoFactor, &slot.code_hash)
            .await?;
        return Err(invalid_code().into());
    };
    let user = user.ok_or_else(invalid_code)?;
    // A reset or logout-all since the password was checked voids the
    // challenge (the write below re-checks this under its condition).
    if slot.issued_at < user.tokens_valid_after {
        return Err(invalid_code().into());
    }
    if user.banned {
        return Err(identity::LoginError::Banned.into());
    }
    check_verified(&state, &user)?;
    let issued = issue_session(&user.id);
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
        })
        .await;
    if let (Err(RedeemError::Invalid), Some(_)) = (&redeemed, &second) {
        // A replayed TOTP step or spent recovery code is a wrong guess too.
        state
            .store
            .count_code_failure(&target, Purpose::TwoFactor, &slot.code_hash)
            .await?;
    }
    redeemed?;
    logged_in(&state, user, issued.token.expose(), true).await
}
