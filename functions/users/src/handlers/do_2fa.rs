use super::login::{logged_in, not_verified};
use crate::{sessions, ApiError};
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use shared::auth::codes::{same_hash, Challenge, Purpose, ShortCode};
use shared::domain::UserId;
use shared::http::{required, Input};
use shared::store::{CodeEffect, Redemption};
use shared::AppState;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Do2faRequest {
    target: Option<String>,
    /// A string, or a number as in the document's sample.
    code: Option<Value>,
    session_hash: Option<String>,
}

/// Completes a login that answered `2faEnabled: true`. The code is bound to
/// that login's `sessionHash`; five wrong codes end the challenge (log in
/// again for a new one, which also replaces the old code).
pub async fn do_2fa(
    State(state): State<AppState>,
    Input(req, _): Input<Do2faRequest, ApiError>,
) -> Result<Response, ApiError> {
    let target = UserId::parse(&required(req.target, "target")?).map_err(|e| e.at("target"))?;
    let raw_code = match required(req.code, "code")? {
        Value::String(s) => s,
        Value::Number(n) => n.to_string(),
        _ => return Err(ApiError::invalid("code", "must be a string of digits")),
    };
    let code =
        ShortCode::parse(&raw_code).ok_or_else(|| ApiError::invalid("code", "must be 6 digits"))?;
    let challenge =
        Challenge::parse(&required(req.session_hash, "sessionHash")?).ok_or_else(|| {
            ApiError::invalid("sessionHash", "is not a session hash /user/login gave")
        })?;

    let (slot, user) = tokio::join!(
        state.store.get_code_slot(&target, Purpose::TwoFactor),
        state.store.get_user(&target)
    );
    let now = shared::time::now_secs();
    let slot = slot?
        .filter(|s| s.is_live(now))
        .filter(|s| {
            s.challenge_hash
                .as_deref()
                .is_some_and(|h| same_hash(h, &challenge.hash()))
        })
        .ok_or_else(ApiError::invalid_code)?;
    let code_hash = code.hash(&challenge);
    if !same_hash(&slot.code_hash, &code_hash) {
        state
            .store
            .count_code_failure(&target, Purpose::TwoFactor, &slot.code_hash)
            .await?;
        return Err(ApiError::invalid_code());
    }
    let user = user?.ok_or_else(ApiError::invalid_code)?;
    // A reset or logout-all since the password was checked voids the
    // challenge (the write below re-checks this under its condition).
    if slot.issued_at < user.tokens_valid_after {
        return Err(ApiError::invalid_code());
    }
    if user.banned {
        return Err(shared::auth::LoginError::Banned.into());
    }
    if user.verification_pending && state.config.require_email_verification {
        return Err(not_verified());
    }
    let issued = sessions::issue(&user.id);
    state
        .store
        .redeem_code(&Redemption {
            user: &user.id,
            purpose: Purpose::TwoFactor,
            code_hash: &code_hash,
            pointer: false,
            effect: CodeEffect::Login {
                token_hash: &issued.hash,
                record: &issued.record,
                rehash: slot.payload.as_deref(),
                verified_at: slot.issued_at,
            },
        })
        .await?;
    logged_in(&state, user, issued.token.expose(), true).await
}
