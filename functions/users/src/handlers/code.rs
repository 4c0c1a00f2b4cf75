use crate::envelope::done;
use crate::error::too_many_requests;
use crate::ApiError;
use axum::extract::State;
use axum::Json;
use domain::codes::{LinkCode, Purpose, RESET_SEND_LIMIT};
use domain::Email;
use domain::{Message, MessageKind};
use identity::AppState;
use serde::Deserialize;
use table::CodeSlot;
use web::{required, Input};

#[derive(Deserialize)]
pub struct CodeParams {
    email: Option<String>,
}

/// Items a reset code's write holds (slot, pointer, outbox).
const RESET_WRITE_WIDTH: usize = 3;

/// Emails a password reset code. The answer, and the work behind it (one
/// rate-limit write beside one sentinel read, then one three-item write
/// queueing the email: two rounds), are the same whether or not an account
/// owns the address: an unknown or unverified address gets a "no account
/// here" email; a verified one gets its code, stored in the same
/// transaction as its email. The address's own budget: spending it never
/// touches sign-in or 2FA.
pub async fn code(
    State(state): State<AppState>,
    Input(params, _): Input<CodeParams, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let email = Email::parse(&required(params.email, "email")?).map_err(|e| e.at("email"))?;
    // The limit and the lookup run side by side; over the limit, the
    // lookup's answer is dropped, so a 429 says nothing about who exists.
    let key = email.key();
    let (allowed, owner) = tokio::join!(
        state.store.hit_rate_limit(&RESET_SEND_LIMIT, &key),
        state.store.email_owner(&key)
    );
    if !allowed? {
        return Err(too_many_requests().into());
    }
    match owner? {
        Some(owner) => {
            let code = LinkCode::generate();
            let mut slot = CodeSlot::new(&owner, Purpose::ResetPassword, code.hash());
            // Where the "password changed" notice goes after the reset.
            slot.payload = Some(email.as_str().to_owned());
            let message =
                Message::new(email.as_str(), MessageKind::ResetCode).with("code", code.expose());
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
    Ok(done())
}
