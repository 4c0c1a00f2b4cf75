use crate::fields::code_text;
use crate::login_flow::{logged_in, session_policy};
use crate::ApiError;
use axum::extract::State;
use axum::response::Response;
use domain::codes::{Challenge, ShortCode};
use domain::totp::RecoveryCode;
use domain::{Error, UserId};
use identity::second_factor::{answer_challenge, Answer};
use identity::AppState;
use serde::Deserialize;
use serde_json::Value;
use web::{required, Input};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Do2faRequest {
    target: Option<String>,
    /// A string, or a number as in the document's sample.
    code: Option<Value>,
    session_hash: Option<String>,
}

/// Completes a login that answered `2faEnabled: true`. The code is bound to
/// that login's `sessionHash`; five wrong codes end the challenge (log in
/// again for a new one, which also replaces the old code). With TOTP on,
/// the code is the authenticator's or a recovery code, each usable once.
pub async fn do_2fa(
    State(state): State<AppState>,
    Input(req, _): Input<Do2faRequest, ApiError>,
) -> Result<Response, ApiError> {
    let target = UserId::parse(&required(req.target, "target")?).map_err(|e| e.at("target"))?;
    let raw_code = code_text(required(req.code, "code")?)?;
    let given = match (ShortCode::parse(&raw_code), RecoveryCode::parse(&raw_code)) {
        (Some(code), _) => Answer::Short(code),
        (None, Some(code)) => Answer::Recovery(code),
        (None, None) => {
            return Err(Error::invalid("code", "must be 6 digits or a recovery code").into())
        }
    };
    let challenge = Challenge::parse(&required(req.session_hash, "sessionHash")?)
        .ok_or_else(|| Error::invalid("sessionHash", "is not a session hash /user/login gave"))?;

    let (user, token) =
        answer_challenge(&state, &target, &challenge, &given, &session_policy(&state)).await?;
    logged_in(&state, user, token.expose(), true).await
}
