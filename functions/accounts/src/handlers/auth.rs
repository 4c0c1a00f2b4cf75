use crate::envelope::ok;
use crate::views::TokenView;
use crate::{path_token, ApiError};
use axum::extract::State;
use axum::Json;
use domain::Error;
use identity::sign_in::{sign_in, LoginName, SignInPolicy, SignedIn};
use identity::AppState;
use serde::Deserialize;
use web::{required, Input};

#[derive(Deserialize)]
pub struct AuthRequest {
    username: Option<String>,
    password: Option<String>,
}

/// Longest password a login will hash; anything longer cannot be right.
const MAX_PASSWORD_CHARS: usize = 1024;

pub async fn auth(
    State(state): State<AppState>,
    Input(req, _): Input<AuthRequest, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let username = required(req.username, "username")?;
    let password = required(req.password, "password")?;
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(Error::invalid("password", "is too long").into());
    }
    let policy = SignInPolicy {
        token_kind: path_token::KIND,
        token_ttl_secs: state.config.account_token_ttl_secs,
        second_factor: false,
        require_verified_email: false,
    };
    match sign_in(&state, &LoginName::Username(username), &password, &policy).await? {
        SignedIn::Token { user, token } => Ok(ok(TokenView::new(user, token.expose()))),
        // The Accounts API has no challenge step: the policy asks for none.
        SignedIn::Challenge { .. } => Err(Error::internal("unexpected 2FA challenge").into()),
    }
}
