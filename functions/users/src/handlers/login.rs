use crate::caller::MAX_PASSWORD_CHARS;
use crate::envelope::ok;
use crate::error::too_many_requests;
use crate::login_flow::{check_verified, issue_session, logged_in};
use crate::views::BriefUserView;
use crate::{mail, ApiError};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use domain::codes::{Challenge, Purpose, ShortCode, SEND_LIMIT};
use domain::{Email, Error, User, Username, UsernameRule};
use identity::AppState;
use identity::{verify_login, LoginError};
use serde::Deserialize;
use serde_json::json;
use table::CodeSlot;
use web::{required, Input};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginRequest {
    username: Option<String>,
    email: Option<String>,
    password: Option<String>,
    user_agent: Option<String>,
}

const MAX_USER_AGENT_CHARS: usize = 1024;

enum Identifier {
    Username(String),
    Email(String),
    /// Cannot name an account: still costs one verify, same answer.
    Nobody,
}

impl LoginRequest {
    fn parse(self) -> Result<(Identifier, String), ApiError> {
        let password = required(self.password, "password")?;
        if password.chars().count() > MAX_PASSWORD_CHARS {
            return Err(Error::invalid("password", "is too long").into());
        }
        let agent = required(self.user_agent, "userAgent")?;
        if agent.trim().is_empty() || agent.chars().count() > MAX_USER_AGENT_CHARS {
            return Err(Error::invalid(
                "userAgent",
                format!("must be 1 to {MAX_USER_AGENT_CHARS} characters"),
            )
            .into());
        }
        // The username wins when both are sent (the document lists both).
        let id = match (self.username, self.email) {
            (Some(name), _) => match Username::parse(&name, UsernameRule::LOOKUP) {
                Ok(name) => Identifier::Username(name.key()),
                Err(_) => Identifier::Nobody,
            },
            (None, Some(email)) => match Email::parse(&email) {
                Ok(email) => Identifier::Email(email.key()),
                Err(_) => Identifier::Nobody,
            },
            (None, None) => {
                return Err(Error::invalid("username", "give a username or an email").into())
            }
        };
        Ok((id, password))
    }
}

async fn find(state: &AppState, id: &Identifier) -> Result<Option<User>, ApiError> {
    Ok(match id {
        Identifier::Username(key) => state.store.find_user_by_username(key).await?,
        Identifier::Email(key) => match state.store.email_owner(key).await? {
            Some(owner) => state.store.get_user(&owner).await?,
            None => None,
        },
        Identifier::Nobody => None,
    })
}

/// Unknown user, wrong password and locked account answer alike (401
/// InvalidCredentials, one argon2 verify each). With 2FA on, no session
/// yet: a challenge (`sessionHash`) and a code by email.
pub async fn login(
    State(state): State<AppState>,
    Input(req, _): Input<LoginRequest, ApiError>,
) -> Result<Response, ApiError> {
    let (id, password) = req.parse()?;
    let found = find(&state, &id).await?;
    let login = verify_login(&state.store, found, &password).await?;
    let user = login.user;
    check_verified(&state, &user)?;
    if user.two_factor_enabled {
        // Every challenge counts against the per-address send limit, or a
        // caller with the password could flood the inbox and draw unlimited
        // fresh codes to guess (with TOTP: unlimited sets of 5 attempts).
        if !state
            .store
            .hit_rate_limit(&SEND_LIMIT, &Email::from_stored(user.email.clone()).key())
            .await?
        {
            return Err(too_many_requests().into());
        }
        let challenge = Challenge::generate();
        // With TOTP the authenticator holds the code: nothing is emailed and
        // the slot only carries the challenge and its attempt count.
        let code = user.totp_secret.is_none().then(ShortCode::generate);
        let code_hash = match &code {
            Some(code) => code.hash(&challenge),
            None => challenge.totp_marker(),
        };
        let mut slot = CodeSlot::new(&user.id, Purpose::TwoFactor, code_hash);
        slot.challenge_hash = Some(challenge.hash());
        slot.payload = login.rehash;
        state.store.put_code(&slot, false).await?;
        if let Some(code) = code {
            mail::two_factor_code(&state.mailer, &user.email, code.expose()).await?;
        }
        return Ok(ok(json!({
            "2faEnabled": true,
            "sessionHash": challenge.expose(),
            "user": BriefUserView::from(&user),
        }))
        .into_response());
    }
    let issued = issue_session(&user.id);
    state
        .store
        .complete_login(
            &user.id,
            (&issued.hash, &issued.record),
            login.rehash.as_deref(),
        )
        .await
        .map_err(LoginError::from)?;
    logged_in(&state, user, issued.token.expose(), false).await
}
