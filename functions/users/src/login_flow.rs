//! What a login and its second step (`/user/do-2fa`) share: the answer
//! that carries the session cookie (and the device's).

use crate::envelope::ok;
use crate::views::{UserView, Visibility};
use crate::{pictures, ApiError};
use axum::response::{IntoResponse, Response};
use identity::gate::Completed;
use identity::AppState;
use serde_json::json;

/// The answer of a completed login: the cookies and the user.
pub async fn logged_in(
    state: &AppState,
    done: Completed,
    after_2fa: bool,
) -> Result<Response, ApiError> {
    let cookies: http::HeaderMap = done.cookies().into_iter().collect();
    let user = done.user;
    let url = pictures::url_of(state, user.profile_picture_key.as_deref()).await?;
    let view = UserView::new(user, url, Visibility::Full);
    let body = if after_2fa {
        json!({ "user": view })
    } else {
        json!({ "2faEnabled": false, "user": view })
    };
    Ok((cookies, ok(body)).into_response())
}
