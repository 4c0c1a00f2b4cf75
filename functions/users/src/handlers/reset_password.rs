use crate::envelope::done;
use crate::error::invalid_code;
use crate::{mail, ApiError};
use axum::extract::State;
use axum::Json;
use domain::codes::{LinkCode, Purpose};
use domain::password_hash as password;
use domain::Password;
use identity::AppState;
use serde::Deserialize;
use table::{CodeEffect, Redemption};
use web::{required, Input};

#[derive(Deserialize)]
pub struct ResetRequest {
    code: Option<String>,
    password: Option<String>,
}

/// Sets the new password, voids every session and token of the user (the
/// revocation stamp moves in the same write) and logs nobody in.
pub async fn reset_password(
    State(state): State<AppState>,
    Input(req, _): Input<ResetRequest, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let raw = required(req.code, "code")?;
    let new =
        Password::parse(&required(req.password, "password")?).map_err(|e| e.at("password"))?;
    let code = LinkCode::parse(&raw).ok_or_else(invalid_code)?;
    let hash = code.hash();
    let (pointer, password_hash) = tokio::join!(
        state.store.get_code_pointer(&hash),
        password::hash(new.expose())
    );
    let pointer = pointer?
        .filter(|p| p.purpose() == Some(Purpose::ResetPassword))
        .filter(|p| p.expires_at > domain::time::now_secs())
        .ok_or_else(invalid_code)?;
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
        })
        .await?;
    if let Some(address) = pointer.payload.as_deref() {
        mail::password_changed(&state.mailer, address).await?;
    }
    Ok(done())
}
