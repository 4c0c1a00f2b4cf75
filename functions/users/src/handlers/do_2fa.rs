use crate::fields::code_text;
use crate::login_flow::{logged_in, totals_beside};
use crate::ApiError;
use axum::extract::State;
use axum::response::Response;
use domain::codes::Challenge;
use domain::{Error, UserId};
use identity::gate::{answer_challenge_remembering, Answer, Answered, Issue};
use identity::AppState;
use serde::Deserialize;
use serde_json::Value;
use web::{required, Input, SignInAttempt};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Do2faRequest {
    target: Option<String>,
    /// A string, or a number as in the document's sample.
    code: Option<Value>,
    session_hash: Option<String>,
    /// Remember this device for the second factor (30 days).
    #[serde(default)]
    remember: Option<bool>,
}

/// Completes a login that answered `2faEnabled: true`. The code is bound to
/// that login's `sessionHash`; five wrong codes end the challenge (log in
/// again for a new one, which also replaces the old code). With TOTP on,
/// the code is the authenticator's or a recovery code, each usable once.
/// `remember: true` spares this device the second factor for 30 days.
pub async fn do_2fa(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    Input(req, _): Input<Do2faRequest, ApiError>,
) -> Result<Response, ApiError> {
    let target = UserId::parse(&required(req.target, "target")?).map_err(|e| e.at("target"))?;
    let raw_code = code_text(required(req.code, "code")?)?;
    let given = Answer::parse(&raw_code)
        .ok_or_else(|| Error::invalid("code", "must be 6 digits or a recovery code"))?;
    let challenge = Challenge::parse(&required(req.session_hash, "sessionHash")?)
        .ok_or_else(|| Error::invalid("sessionHash", "is not a session hash /user/login gave"))?;

    let beside = totals_beside(&state, std::future::ready(Ok(Some(target.clone()))));
    let answered = Answered {
        answer: &given,
        issue: Issue::Session,
        remember: req.remember.unwrap_or(false),
    };
    let done = answer_challenge_remembering(&state, &attempt, &target, &challenge, answered)
        .await
        .inspect_err(|_| beside.abort())?;
    logged_in(&state, done, true, beside).await
}
