use crate::caller;
use crate::envelope::done;
use crate::{mail, ApiError};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use domain::scopes::PROFILE_WRITE;
use domain::User;
use identity::verify_login;
use identity::AppState;
use serde::Deserialize;
use table::UserFlag;
use web::{required, Input};

#[derive(Deserialize)]
pub struct PasswordRequest {
    password: Option<String>,
}

pub async fn enable(
    State(state): State<AppState>,
    headers: HeaderMap,
    Input(req, _): Input<PasswordRequest, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    set(&state, &headers, req, true).await
}

pub async fn disable(
    State(state): State<AppState>,
    headers: HeaderMap,
    Input(req, _): Input<PasswordRequest, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    set(&state, &headers, req, false).await
}

/// The caller (cookie or bearer with profile write) proven again by the
/// password, counted like a login with the same lockout.
pub async fn reauthenticate(
    state: &AppState,
    headers: &HeaderMap,
    req: PasswordRequest,
) -> Result<User, ApiError> {
    let password = required(req.password, "password")?;
    if password.chars().count() > 1024 {
        return Err(ApiError::invalid("password", "is too long"));
    }
    let caller = caller::either(state, headers, PROFILE_WRITE).await?;
    Ok(verify_login(&state.store, Some(caller.user), &password)
        .await?
        .user)
}

/// Turning 2FA on or off takes the password again (counted like a login,
/// with the same lockout), and the account's address hears about a change.
async fn set(
    state: &AppState,
    headers: &HeaderMap,
    req: PasswordRequest,
    on: bool,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let user = reauthenticate(state, headers, req).await?;
    if user.two_factor_enabled != on {
        // Off also forgets the TOTP secret and recovery codes: turning 2FA
        // back on later starts from emailed codes, not an old authenticator.
        let changed = if on {
            state
                .store
                .set_user_flag(&user.id, UserFlag::TwoFactor, true)
                .await?
        } else {
            state.store.disable_two_factor(&user.id).await?
        };
        if !changed {
            return Err(ApiError::unauthenticated());
        }
        mail::two_factor_changed(&state.mailer, &user.email, on).await?;
    }
    Ok(done())
}
