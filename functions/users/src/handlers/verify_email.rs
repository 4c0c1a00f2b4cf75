use crate::envelope::done;
use crate::error::invalid_code;
use crate::ApiError;
use axum::extract::State;
use axum::Json;
use domain::codes::LinkCode;
use identity::AppState;
use serde::Deserialize;
use web::{required, Input, SignInAttempt};

#[derive(Deserialize)]
pub struct VerifyRequest {
    code: Option<String>,
}

/// Redeems a verification code: a new account's (it becomes usable and
/// owns its address), or an email change's (the new address replaces the
/// old one now). `identity::email_change::redeem`.
pub async fn verify_email(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    Input(req, _): Input<VerifyRequest, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let raw = required(req.code, "code")?;
    let code = LinkCode::parse(&raw).ok_or_else(invalid_code)?;
    identity::email_change::redeem(&state, &attempt, &code).await?;
    Ok(done())
}
