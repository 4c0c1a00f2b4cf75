//! What a login and its second step (`/user/do-2fa`) share: the answer
//! that carries the session cookie (and the device's).

use crate::envelope::ok;
use crate::store::{counted, FollowerTotals, SocialStore};
use crate::views::{UserView, Visibility};
use crate::{pictures, ApiError};
use axum::response::{IntoResponse, Response};
use domain::{Error, UserId};
use identity::gate::Completed;
use identity::AppState;
use serde_json::json;
use std::future::Future;

/// The follower shards of `user`, read beside the sign-in so the answer's
/// count costs no round trip of its own (a task: a refused sign-in answers
/// without waiting for it).
pub fn totals_beside<F>(state: &AppState, user: F) -> Beside
where
    F: Future<Output = Result<Option<UserId>, Error>> + Send + 'static,
{
    let state = state.clone();
    tokio::spawn(async move {
        let Some(user) = user.await? else {
            return Ok(None);
        };
        let totals = SocialStore::of(&state).follower_totals(&[&user]).await?;
        Ok(Some((user, totals)))
    })
}

/// What `totals_beside` hands back.
pub type Beside = tokio::task::JoinHandle<Result<Option<(UserId, FollowerTotals)>, Error>>;

/// The answer of a completed login: the cookies and the user (its follower
/// count from `beside`, or read now when `beside` read another user).
pub async fn logged_in(
    state: &AppState,
    done: Completed,
    after_2fa: bool,
    beside: Beside,
) -> Result<Response, ApiError> {
    let cookies: http::HeaderMap = done.cookies().into_iter().collect();
    let early = beside
        .await
        .map_err(|e| Error::internal(format!("follower totals: {e}")))??;
    let totals = match early {
        Some((id, totals)) if id == done.user.id => totals,
        _ => {
            SocialStore::of(state)
                .follower_totals(&[&done.user.id])
                .await?
        }
    };
    let user = counted(done.user, &totals);
    let url = pictures::url_of(state, user.profile_picture_key.as_deref()).await?;
    let view = UserView::new(user, url, Visibility::Full);
    let body = if after_2fa {
        json!({ "user": view })
    } else {
        json!({ "2faEnabled": false, "user": view })
    };
    Ok((cookies, ok(body)).into_response())
}
