use crate::caller::{reauthenticate, PasswordRequest};
use crate::envelope::done;
use crate::error::unauthenticated;
use crate::ApiError;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use domain::audit::Kind;
use domain::{Message, MessageKind};
use identity::gate::Attempt;
use identity::AppState;
use table::UserFlag;
use web::{Input, SignInAttempt};

pub async fn enable(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    headers: HeaderMap,
    Input(req, _): Input<PasswordRequest, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    set(&state, &attempt, &headers, req, true).await
}

pub async fn disable(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    headers: HeaderMap,
    Input(req, _): Input<PasswordRequest, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    set(&state, &attempt, &headers, req, false).await
}

/// Turning 2FA on or off takes the password again (counted like a login,
/// with the same lockout), and the account's address hears about a change.
async fn set(
    state: &AppState,
    attempt: &Attempt,
    headers: &HeaderMap,
    req: PasswordRequest,
    on: bool,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let user = reauthenticate(state, attempt, headers, req).await?;
    if user.two_factor_enabled != on {
        // Off also forgets the TOTP secret and recovery codes: turning 2FA
        // back on later starts from emailed codes, not an old authenticator.
        let notice = Message::to_user(&user, MessageKind::TwoFactorChanged).with("enabled", on);
        let event = attempt.event(match on {
            true => Kind::EmailTwoFactorEnabled,
            false => Kind::TwoFactorDisabled,
        });
        let changed = if on {
            state
                .store
                .set_user_flag_noting(&user.id, UserFlag::TwoFactor, true, &notice, &event)
                .await?
        } else {
            state
                .store
                .disable_two_factor(&user.id, &notice, &event)
                .await?
        };
        if !changed {
            return Err(unauthenticated().into());
        }
    }
    Ok(done())
}
