use crate::caller::{self, reauthenticate, PasswordRequest};
use crate::envelope::ok;
use crate::fields::code_text;
use crate::ApiError;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use domain::codes::ShortCode;
use domain::scopes::PROFILE_WRITE;
use domain::totp::RecoveryCode;
use domain::Error;
use identity::{totp, AppState};
use serde::Deserialize;
use serde_json::{json, Value};
use web::{required, Input, SignInAttempt};

/// Starts TOTP enrolment (`identity::totp::start`): a fresh secret, kept
/// pending until a code from it is confirmed, so a half-done setup never
/// locks the account.
pub async fn setup(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    headers: HeaderMap,
    Input(req, _): Input<PasswordRequest, ApiError>,
) -> Result<Response, ApiError> {
    let user = reauthenticate(&state, &attempt, &headers, req).await?;
    let secret = totp::start(&state, &user).await?;
    Ok(ok(json!({
        "secret": secret.base32(),
        "otpauthUri": secret.otpauth_uri(&state.config.product_name, &user.username),
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
    SignInAttempt(attempt): SignInAttempt,
    headers: HeaderMap,
    Input(req, _): Input<ConfirmRequest, ApiError>,
) -> Result<Response, ApiError> {
    let code = confirm_code(required(req.code, "code")?)?;
    let user = caller::either(&state, &headers, PROFILE_WRITE).await?.user;
    let codes = totp::confirm(&state, &attempt, &user, &code).await?;
    let shown: Vec<String> = codes.iter().map(RecoveryCode::expose).collect();
    Ok(ok(json!({ "recoveryCodes": shown })).into_response())
}
