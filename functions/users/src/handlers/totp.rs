use crate::caller::{self, reauthenticate, PasswordRequest};
use crate::envelope::ok;
use crate::error::{invalid_code, unauthenticated};
use crate::fields::code_text;
use crate::ApiError;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use domain::codes::ShortCode;
use domain::scopes::PROFILE_WRITE;
use domain::totp::{accepted_step, RecoveryCode, TotpSecret, RECOVERY_CODES};
use domain::{Error, Message, MessageKind};
use identity::AppState;
use serde::Deserialize;
use serde_json::{json, Value};
use web::{required, Input, SignInAttempt};

/// The issuer label authenticator apps show beside the account.
const ISSUER: &str = "Platform";

/// Starts TOTP enrolment: a fresh secret, kept pending until a code from it
/// is confirmed, so a half-done setup never locks the account.
pub async fn setup(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    headers: HeaderMap,
    Input(req, _): Input<PasswordRequest, ApiError>,
) -> Result<Response, ApiError> {
    let user = reauthenticate(&state, &attempt, &headers, req).await?;
    let secret = TotpSecret::generate();
    if !state
        .store
        .set_totp_pending(&user.id, &secret.base32())
        .await?
    {
        return Err(unauthenticated().into());
    }
    Ok(ok(json!({
        "secret": secret.base32(),
        "otpauthUri": secret.otpauth_uri(ISSUER, &user.username),
    }))
    .into_response())
}

#[derive(Deserialize)]
pub struct ConfirmRequest {
    code: Option<Value>,
}

/// The code as the authenticator shows it: a string must be its 6 digits;
/// a JSON number (the document's samples send codes as numbers) is padded
/// back to 6 digits, as `do-2fa` does.
fn confirm_code(raw: Value) -> Result<ShortCode, Error> {
    let six = || Error::invalid("code", "must be 6 digits");
    if matches!(&raw, Value::String(s) if s.len() != 6) {
        return Err(six());
    }
    ShortCode::parse(&code_text(raw)?).ok_or_else(six)
}

/// A code from the pending secret proves the authenticator holds it: TOTP
/// becomes the account's second factor and the recovery codes are shown,
/// this once (only their hashes are stored).
pub async fn confirm(
    State(state): State<AppState>,
    headers: HeaderMap,
    Input(req, _): Input<ConfirmRequest, ApiError>,
) -> Result<Response, ApiError> {
    let code = confirm_code(required(req.code, "code")?)?;
    let user = caller::either(&state, &headers, PROFILE_WRITE).await?.user;
    let pending = user.totp_pending.as_deref().ok_or_else(invalid_code)?;
    let secret = TotpSecret::parse(pending).ok_or_else(invalid_code)?;
    let now = domain::time::now_secs();
    let step = accepted_step(secret.bytes(), code.expose(), now, 0).ok_or_else(invalid_code)?;
    let codes: Vec<RecoveryCode> = (0..RECOVERY_CODES)
        .map(|_| RecoveryCode::generate())
        .collect();
    let hashes: Vec<String> = codes.iter().map(|c| c.hash(&user.id)).collect();
    if !state
        .store
        .activate_totp(
            &user.id,
            pending,
            step,
            &hashes,
            &Message::new(&user.email, MessageKind::TotpEnabled),
        )
        .await?
    {
        return Err(invalid_code().into());
    }
    let shown: Vec<String> = codes.iter().map(RecoveryCode::expose).collect();
    Ok(ok(json!({ "recoveryCodes": shown })).into_response())
}
