use crate::envelope::done;
use crate::error::too_many_requests;
use crate::{mail, ApiError};
use axum::extract::State;
use axum::Json;
use domain::codes::{LinkCode, Purpose, SEND_LIMIT};
use domain::Email;
use identity::AppState;
use serde::Deserialize;
use table::CodeSlot;
use web::{required, Input};

#[derive(Deserialize)]
pub struct CodeParams {
    email: Option<String>,
}

/// Emails a password reset code. The answer, and the work behind it (one
/// rate-limit write, one sentinel read, one email), are the same whether
/// or not an account uses the address: an unknown address gets a "no
/// account here" email, and the code write runs beside the email.
pub async fn code(
    State(state): State<AppState>,
    Input(params, _): Input<CodeParams, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let email = Email::parse(&required(params.email, "email")?).map_err(|e| e.at("email"))?;
    if !state
        .store
        .hit_rate_limit(&SEND_LIMIT, &email.key())
        .await?
    {
        return Err(too_many_requests().into());
    }
    match state.store.email_owner(&email.key()).await? {
        Some(owner) => {
            let code = LinkCode::generate();
            let mut slot = CodeSlot::new(&owner, Purpose::ResetPassword, code.hash());
            // Where the "password changed" notice goes after the reset.
            slot.payload = Some(email.as_str().to_owned());
            let sent_code = code.expose();
            let (stored, sent) = tokio::join!(
                state.store.put_code(&slot, true),
                mail::reset_code(&state.mailer, email.as_str(), &sent_code)
            );
            stored?;
            sent?;
        }
        None => mail::no_account(&state.mailer, email.as_str()).await?,
    }
    Ok(done())
}
