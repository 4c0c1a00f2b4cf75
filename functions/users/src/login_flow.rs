//! What a login and its second step (`/user/do-2fa`) share: the gate of an
//! unverified address, the cookie session a completed login gets
//! (identity::session holds the cookie format and the lookup), and the
//! answer that carries it.

use crate::envelope::ok;
use crate::views::{UserView, Visibility};
use crate::{pictures, ApiError};
use axum::response::{IntoResponse, Response};
use domain::{Error, ErrorKind, User, UserId};
use identity::{session, AppState, IssuedToken};
use serde_json::json;

/// Refuses a login, after the right password or code, of an account whose
/// address is not verified yet (when the platform requires it).
pub fn check_verified(state: &AppState, user: &User) -> Result<(), Error> {
    if user.verification_pending && state.config.require_email_verification {
        return Err(Error::new(
            ErrorKind::Forbidden,
            "email_not_verified",
            "verify the account's email address first (POST /user/verify-email)",
        ));
    }
    Ok(())
}

/// A new cookie session for the user (not written yet).
pub fn issue_session(user: &UserId) -> IssuedToken {
    identity::issue(session::KIND, user, session::TTL_SECS)
}

/// The answer of a completed login: the session cookie and the user.
pub async fn logged_in(
    state: &AppState,
    user: User,
    token: &str,
    after_2fa: bool,
) -> Result<Response, ApiError> {
    let url = pictures::url_of(state, user.profile_picture_key.as_deref()).await?;
    let view = UserView::new(user, url, Visibility::Full);
    let body = if after_2fa {
        json!({ "user": view })
    } else {
        json!({ "2faEnabled": false, "user": view })
    };
    Ok(([session::set_cookie(token)], ok(body)).into_response())
}
