use crate::envelope::done;
use crate::error::unauthenticated;
use crate::{caller, ApiError};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use domain::scopes::PROFILE_WRITE;
use identity::AppState;
use serde::Deserialize;
use web::{required, Input};

#[derive(Deserialize)]
pub struct PrivateRequest {
    state: Option<bool>,
}

pub async fn set_private(
    State(state): State<AppState>,
    headers: HeaderMap,
    Input(req, _): Input<PrivateRequest, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let private = required(req.state, "state")?;
    let principal = caller::bearer(&state, &headers, PROFILE_WRITE).await?;
    // The flag on the user and on each follower shard (store::counts).
    if !crate::store::SocialStore::of(&state)
        .set_private(&principal.user.id, private)
        .await?
    {
        return Err(unauthenticated().into());
    }
    if !private {
        // A public account has no pending requests: approve them.
        crate::store::SocialStore::of(&state)
            .approve_all_pending(&principal.user.id)
            .await?;
    }
    Ok(done())
}
