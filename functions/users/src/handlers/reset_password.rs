use crate::envelope::done;
use crate::error::invalid_code;
use crate::ApiError;
use axum::extract::State;
use axum::Json;
use domain::codes::LinkCode;
use domain::Password;
use identity::password_reset::reset_password as reset_password_with;
use identity::AppState;
use serde::Deserialize;
use web::{required, Input, SignInAttempt};

#[derive(Deserialize)]
pub struct ResetRequest {
    code: Option<String>,
    password: Option<String>,
}

/// Sets the new password, voids every session and token of the user (the
/// revocation stamp moves in the same write) and logs nobody in.
pub async fn reset_password(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    Input(req, _): Input<ResetRequest, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let raw = required(req.code, "code")?;
    let new =
        Password::parse(&required(req.password, "password")?).map_err(|e| e.at("password"))?;
    let code = LinkCode::parse(&raw).ok_or_else(invalid_code)?;
    reset_password_with(&state, &attempt, &code, &new).await?;
    Ok(done())
}
