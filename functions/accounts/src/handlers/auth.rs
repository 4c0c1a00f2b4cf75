use crate::envelope::ok;
use crate::views::TokenView;
use crate::ApiError;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::codes::Challenge;
use domain::{Error, User, UserId};
use identity::gate::{sign_in, Answer, Inline, Issue, LoginName, SignedIn};
use identity::AppState;
use serde::Deserialize;
use serde_json::json;
use web::{required, Input, SignInAttempt};

#[derive(Deserialize)]
pub struct AuthRequest {
    username: Option<String>,
    password: Option<String>,
    /// Documented addition: the second factor of an account with 2FA on
    /// (an authenticator or recovery code, or the emailed code).
    code: Option<String>,
    /// Documented addition: with an emailed code, the `challenge` the
    /// `second_factor_required` answer gave.
    challenge: Option<String>,
}

/// Longest password a login will hash; anything longer cannot be right.
const MAX_PASSWORD_CHARS: usize = 1024;

impl AuthRequest {
    fn inline(&self) -> Result<Option<Inline>, Error> {
        let Some(raw) = self.code.as_deref() else {
            return Ok(None);
        };
        let answer = Answer::parse(raw)
            .ok_or_else(|| Error::invalid("code", "must be 6 digits or a recovery code"))?;
        let challenge = self
            .challenge
            .as_deref()
            .map(|c| parse_challenge(c).ok_or_else(|| Error::invalid("challenge", "is not one")))
            .transpose()?;
        Ok(Some(Inline { challenge, answer }))
    }
}

/// `<user id>.<challenge>`: the account the challenge is for travels with
/// it, so the second call reads its code beside the account (two rounds).
fn parse_challenge(raw: &str) -> Option<(UserId, Challenge)> {
    let (user, challenge) = raw.split_once('.')?;
    Some((UserId::parse(user).ok()?, Challenge::parse(challenge)?))
}

/// The second factor is due (documented addition): 401 with the
/// challenge to send back beside the code, and how the code comes.
fn second_factor_required(user: &User, challenge: &Challenge) -> Response {
    let method = if user.totp_secret.is_some() {
        "totp"
    } else {
        "email"
    };
    let body = json!({
        "status": "error",
        "error": {
            "code": "second_factor_required",
            "message": "this account uses two-factor authentication: send the code (and this challenge) with the password",
            "field": "code",
            "method": method,
            "challenge": format!("{}.{}", user.id, challenge.expose()),
        }
    });
    (StatusCode::UNAUTHORIZED, Json(body)).into_response()
}

/// `POST /api/v1/accounts/auth`: the platform's sign-in (lockout,
/// verified address, ban, 2FA), issuing an Accounts API token.
pub async fn auth(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    Input(req, _): Input<AuthRequest, ApiError>,
) -> Result<Response, ApiError> {
    let inline = req.inline()?;
    let username = required(req.username, "username")?;
    let password = required(req.password, "password")?;
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(Error::invalid("password", "is too long").into());
    }
    let name = LoginName::Username(username);
    match sign_in(
        &state,
        &attempt,
        &name,
        &password,
        inline,
        Issue::AccountsToken,
    )
    .await?
    {
        SignedIn::Completed(done) => {
            let cookies = done.cookies();
            let view = ok(TokenView::new(done.user, done.token.expose()));
            Ok((cookies.into_iter().collect::<axum::http::HeaderMap>(), view).into_response())
        }
        SignedIn::Challenge { user, challenge } => Ok(second_factor_required(&user, &challenge)),
    }
}
