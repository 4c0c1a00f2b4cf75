//! `POST /user/block`, `POST /user/unblock` (`{target}`). A block removes
//! the follow entries both ways and hides the two users from each other;
//! unblocking lifts only the block.

use crate::envelope::done;
use crate::store::{not_found_user, with_caller, SocialStore};
use crate::ApiError;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use domain::scopes::SOCIAL_BLOCK_WRITE;
use domain::{Error, UserId};
use identity::AppState;
use serde::Deserialize;
use web::{required, Input};

#[derive(Deserialize)]
pub struct BlockRequest {
    target: Option<String>,
}

fn target(req: BlockRequest) -> Result<UserId, ApiError> {
    let raw = required(req.target, "target")?;
    Ok(UserId::parse(&raw).map_err(|e| e.at("target"))?)
}

#[tracing::instrument(skip_all)]
pub async fn block(
    State(state): State<AppState>,
    headers: HeaderMap,
    Input(req, _): Input<BlockRequest, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let target = target(req)?;
    let store = SocialStore::of(&state);
    let t = &target;
    let (me, snapshot) = with_caller(&state, &headers, SOCIAL_BLOCK_WRITE, move |me| async move {
        store.block_snapshot(&me, t).await
    })
    .await?;
    store.block(&me.id, &target, snapshot).await?;
    Ok(done())
}

#[tracing::instrument(skip_all)]
pub async fn unblock(
    State(state): State<AppState>,
    headers: HeaderMap,
    Input(req, _): Input<BlockRequest, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let target = target(req)?;
    let store = SocialStore::of(&state);
    let t = &target;
    let (me, user) = with_caller(&state, &headers, SOCIAL_BLOCK_WRITE, move |_| async move {
        store.user(t).await
    })
    .await?;
    if me.id == target {
        return Err(Error::invalid("target", "cannot be yourself").into());
    }
    if user.is_none() {
        return Err(not_found_user().on("target").into());
    }
    store.unblock(&me.id, &target).await?;
    Ok(done())
}
