use crate::envelope::done;
use crate::error::too_many_requests;
use crate::ApiError;
use axum::extract::State;
use axum::Json;
use domain::codes::{LinkCode, Purpose, SEND_LIMIT};
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

/// Emails a password reset code. The answer, and the work behind it (one
/// rate-limit write beside one sentinel read, then one write queueing the
/// email: two rounds), are
/// the same whether or not an account uses the address: an unknown address
/// gets a "no account here" email; a known one gets its code, stored in the
/// same transaction as its email.
pub async fn code(
    State(state): State<AppState>,
    Input(params, _): Input<CodeParams, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let email = Email::parse(&required(params.email, "email")?).map_err(|e| e.at("email"))?;
    // The limit and the lookup run side by side; over the limit, the
    // lookup's answer is dropped, so a 429 says nothing about who exists.
    let key = email.key();
    let (allowed, owner) = tokio::join!(
        state.store.hit_rate_limit(&SEND_LIMIT, &key),
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
            let notice = Message::new(email.as_str(), MessageKind::NoAccount);
            state.store.queue_message(&notice).await?;
        }
    }
    Ok(done())
}
