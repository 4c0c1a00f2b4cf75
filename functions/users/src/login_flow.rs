//! What a login and its second step (`/user/do-2fa`) share: how this
//! surface signs users in, and the answer that carries the session cookie.

use crate::envelope::ok;
use crate::views::{UserView, Visibility};
use crate::{pictures, ApiError};
use axum::response::{IntoResponse, Response};
use domain::User;
use identity::sign_in::SignInPolicy;
use identity::{session, AppState};
use serde_json::json;

/// How this surface signs users in: a cookie session, the user's 2FA
/// honoured, unverified addresses refused when the platform requires it.
pub fn session_policy(state: &AppState) -> SignInPolicy {
    SignInPolicy {
        token_kind: session::KIND,
        token_ttl_secs: session::TTL_SECS,
        second_factor: true,
        require_verified_email: state.config.require_email_verification,
    }
}

/// The answer of a completed login: the session cookie and the user.
pub async fn logged_in(
    state: &AppState,
    user: User,
    token: &str,
    after_2fa: bool,
) -> Result<Response, ApiError> {
    let cookie = session::set_cookie(&user.id, token);
    let url = pictures::url_of(state, user.profile_picture_key.as_deref()).await?;
    let view = UserView::new(user, url, Visibility::Full);
    let body = if after_2fa {
        json!({ "user": view })
    } else {
        json!({ "2faEnabled": false, "user": view })
    };
    Ok(([cookie], ok(body)).into_response())
}
