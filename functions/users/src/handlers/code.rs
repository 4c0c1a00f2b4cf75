use crate::envelope::done;
use crate::ApiError;
use axum::extract::State;
use axum::Json;
use domain::Email;
use identity::password_reset::send_code;
use identity::AppState;
use serde::Deserialize;
use web::{required, Input};

#[derive(Deserialize)]
pub struct CodeParams {
    email: Option<String>,
}

/// Emails a password reset code (`identity::password_reset::send_code`):
/// the same answer and the same work whether or not an account owns the
/// address, under the address's own budget.
pub async fn code(
    State(state): State<AppState>,
    Input(params, _): Input<CodeParams, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let email = Email::parse(&required(params.email, "email")?).map_err(|e| e.at("email"))?;
    send_code(&state, &email).await?;
    Ok(done())
}
