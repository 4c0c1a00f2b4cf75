use crate::envelope::ok;
use crate::views::TokenView;
use crate::{path_token, ApiError};
use axum::extract::State;
use axum::Json;
use domain::{Error, Username, UsernameRule};
use identity::AppState;
use identity::{verify_login, LoginError};
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
    // A name that cannot exist still costs one verify: same answer, same time.
    let found = match Username::parse(&username, UsernameRule::LOOKUP) {
        Ok(name) => state.store.find_user_by_username(&name.key()).await?,
        Err(_) => None,
    };
    let login = verify_login(&state.store, found, &password).await?;
    let issued = identity::issue(
        path_token::KIND,
        &login.user.id,
        state.config.account_token_ttl_secs,
    );
    state
        .store
        .complete_login(
            &login.user.id,
            (&issued.hash, &issued.record),
            login.rehash.as_deref(),
        )
        .await
        .map_err(LoginError::from)?;
    Ok(ok(TokenView::new(login.user, issued.token.expose())))
}
