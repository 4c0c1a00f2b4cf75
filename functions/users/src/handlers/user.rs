use crate::envelope::ok;
use crate::error::not_found;
use crate::views::{UserView, Visibility};
use crate::{caller, pictures, ApiError};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use domain::scopes::PROFILE_READ;
use domain::{Role, UserId};
use identity::AppState;
use serde_json::json;

/// `GET /user/me`: the caller, every field (the document's sample puts the
/// object in a one-element array; so does this).
pub async fn me(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let principal = caller::bearer(&state, &headers, PROFILE_READ).await?;
    let user = principal.user;
    let url = pictures::url_of(&state, user.profile_picture_key.as_deref()).await?;
    Ok(ok(
        json!({ "user": [UserView::new(user, url, Visibility::Full)] }),
    ))
}

/// `GET /user/{userId}`: anyone's public profile; contact details and
/// private data only for the user themself and moderators.
pub async fn by_id(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let id = UserId::parse(&raw).map_err(|e| e.at("userId"))?;
    let principal = caller::bearer(&state, &headers, PROFILE_READ).await?;
    let (user, visibility) = if principal.user.id == id {
        (principal.user, Visibility::Full)
    } else {
        // Hidden from each other by a block, as if absent.
        let social = crate::store::SocialStore::of(&state);
        let (user, blocked) = tokio::join!(
            state.store.get_user(&id),
            social.blocked_between(&principal.user.id, &id)
        );
        let user = user?
            .filter(|_| !matches!(blocked, Ok(true)))
            .ok_or_else(not_found)?;
        blocked?;
        let visibility = if principal.user.role == Role::Moderator {
            Visibility::Full
        } else {
            Visibility::Public
        };
        (user, visibility)
    };
    let url = pictures::url_of(&state, user.profile_picture_key.as_deref()).await?;
    Ok(ok(
        json!({ "user": [UserView::new(user, url, visibility)] }),
    ))
}
