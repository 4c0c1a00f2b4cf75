//! `POST /user/follow`, `POST /user/unfollow` (`{target}`): follow a user
//! (a request when the account is private; twice changes nothing) or stop.

use crate::envelope::done;
use crate::store::{with_caller, SocialStore};
use crate::ApiError;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use domain::scopes::SOCIAL_FOLLOW_WRITE;
use domain::UserId;
use identity::AppState;
use serde::Deserialize;
use web::{required, Input};

#[derive(Deserialize)]
pub struct TargetRequest {
    target: Option<String>,
}

fn target(req: TargetRequest) -> Result<UserId, ApiError> {
    let raw = required(req.target, "target")?;
    Ok(UserId::parse(&raw).map_err(|e| e.at("target"))?)
}

/// Whether the request follows or unfollows.
#[derive(Clone, Copy, PartialEq)]
enum Change {
    Follow,
    Unfollow,
}

async fn change(
    state: &AppState,
    headers: &HeaderMap,
    req: TargetRequest,
    change: Change,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let target = target(req)?;
    let store = SocialStore::of(state);
    let t = &target;
    let (me, snapshot) = with_caller(state, headers, SOCIAL_FOLLOW_WRITE, move |me| async move {
        store.follow_snapshot(&me, t).await
    })
    .await?;
    match change {
        Change::Follow => store.follow(&me.id, &target, snapshot).await?,
        Change::Unfollow => store.unfollow(&me.id, &target, snapshot).await?,
    }
    Ok(done())
}

#[tracing::instrument(skip_all)]
pub async fn follow(
    State(state): State<AppState>,
    headers: HeaderMap,
    Input(req, _): Input<TargetRequest, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    change(&state, &headers, req, Change::Follow).await
}

#[tracing::instrument(skip_all)]
pub async fn unfollow(
    State(state): State<AppState>,
    headers: HeaderMap,
    Input(req, _): Input<TargetRequest, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    change(&state, &headers, req, Change::Unfollow).await
}
