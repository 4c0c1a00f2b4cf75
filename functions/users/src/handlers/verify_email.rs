use crate::envelope::done;
use crate::error::invalid_code;
use crate::ApiError;
use axum::extract::State;
use axum::Json;
use domain::codes::{LinkCode, Purpose};
use domain::{Message, MessageKind};
use identity::AppState;
use serde::Deserialize;
use table::{CodeEffect, Redemption};
use web::{required, Input};

#[derive(Deserialize)]
pub struct VerifyRequest {
    code: Option<String>,
}

/// Redeems a verification code: a new account's (it becomes usable), or
/// an email change's (the new address replaces the old one now).
pub async fn verify_email(
    State(state): State<AppState>,
    Input(req, _): Input<VerifyRequest, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let raw = required(req.code, "code")?;
    let code = LinkCode::parse(&raw).ok_or_else(invalid_code)?;
    let hash = code.hash();
    let pointer = state
        .store
        .get_code_pointer(&hash)
        .await?
        .filter(|p| p.expires_at > domain::time::now_secs())
        .ok_or_else(invalid_code)?;
    match pointer.purpose() {
        Some(Purpose::VerifyEmail) => {
            state
                .store
                .redeem_code(&Redemption {
                    user: &pointer.user_id,
                    purpose: Purpose::VerifyEmail,
                    code_hash: &hash,
                    pointer: true,
                    effect: CodeEffect::VerifyEmail,
                    notice: None,
                })
                .await?;
        }
        Some(Purpose::ChangeEmail) => {
            let (old, new): (String, String) = pointer
                .payload
                .as_deref()
                .and_then(|p| serde_json::from_str(p).ok())
                .ok_or_else(invalid_code)?;
            state
                .store
                .redeem_code(&Redemption {
                    user: &pointer.user_id,
                    purpose: Purpose::ChangeEmail,
                    code_hash: &hash,
                    pointer: true,
                    effect: CodeEffect::ChangeEmail {
                        old: &old,
                        new: &new,
                    },
                    // The old address hears about it, in the same write.
                    notice: Some(&Message::new(&old, MessageKind::EmailChanged)),
                })
                .await?;
        }
        _ => return Err(invalid_code().into()),
    }
    Ok(done())
}
