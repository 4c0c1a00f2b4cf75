use crate::caller::MAX_PASSWORD_CHARS;
use crate::envelope::ok;
use crate::login_flow::{logged_in, totals_beside};
use crate::views::BriefUserView;
use crate::ApiError;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use domain::Error;
use identity::gate::{sign_in, Issue, LoginName, SignedIn};
use identity::AppState;
use serde::Deserialize;
use serde_json::json;
use web::{required, Input, SignInAttempt};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginRequest {
    username: Option<String>,
    email: Option<String>,
    password: Option<String>,
    user_agent: Option<String>,
}

const MAX_USER_AGENT_CHARS: usize = 1024;

impl LoginRequest {
    fn parse(self) -> Result<(LoginName, String, String), ApiError> {
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
            (Some(name), _) => LoginName::Username(name),
            (None, Some(email)) => LoginName::Email(email),
            (None, None) => {
                return Err(Error::invalid("username", "give a username or an email").into())
            }
        };
        Ok((id, password, agent))
    }
}

/// Unknown user, wrong password and locked account answer alike (401
/// InvalidCredentials, one argon2 verify each). With 2FA on, no session
/// yet: a challenge (`sessionHash`) and a code by email. The gatekeeper's
/// rules (`identity::gate`) decide; this surface only issues a session.
pub async fn login(
    State(state): State<AppState>,
    SignInAttempt(mut attempt): SignInAttempt,
    Input(req, _): Input<LoginRequest, ApiError>,
) -> Result<Response, ApiError> {
    let (name, password, agent) = req.parse()?;
    // The agent the document asks the client to name is the one its
    // security events show.
    attempt.user_agent = Some(agent);
    // The follower count of the answer, read beside the sign-in.
    let owner = {
        let (state, name) = (state.clone(), name.clone());
        async move { name.owner(&state.store).await }
    };
    let beside = totals_beside(&state, owner);
    match sign_in(&state, &attempt, &name, &password, None, Issue::Session).await {
        Ok(SignedIn::Completed(done)) => logged_in(&state, done, false, beside).await,
        Ok(SignedIn::Challenge { user, challenge }) => {
            beside.abort();
            Ok(ok(json!({
                "2faEnabled": true,
                "sessionHash": challenge.expose(),
                "user": BriefUserView::from(&user),
            }))
            .into_response())
        }
        Err(e) => {
            beside.abort();
            Err(e.into())
        }
    }
}
