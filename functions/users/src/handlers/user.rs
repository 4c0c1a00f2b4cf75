use crate::envelope::ok;
use crate::error::not_found;
use crate::store::{counted, with_caller};
use crate::views::{UserView, Visibility};
use crate::{pictures, ApiError};
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
    let store = crate::store::SocialStore::of(&state);
    let (user, totals) = with_caller(&state, &headers, PROFILE_READ, move |me| async move {
        store.follower_totals(&[&me]).await
    })
    .await?;
    let user = counted(user, &totals);
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
    let social = crate::store::SocialStore::of(&state);
    let wanted = id.clone();
    let (me, totals) = with_caller(&state, &headers, PROFILE_READ, move |me| async move {
        if me == wanted {
            social.follower_totals(&[&me]).await.map(Some)
        } else {
            Ok(None)
        }
    })
    .await?;
    let (user, visibility) = if let Some(totals) = totals {
        (counted(me, &totals), Visibility::Full)
    } else {
        // Hidden from each other by a block, as if absent.
        let target = [&id];
        let (user, blocked, totals) = tokio::join!(
            state.store.get_user(&id),
            social.blocked_between(&me.id, &id),
            social.follower_totals(&target)
        );
        let totals = totals?;
        let user = user?
            .map(|u| counted(u, &totals))
            .filter(|_| !matches!(blocked, Ok(true)))
            .ok_or_else(not_found)?;
        blocked?;
        let visibility = if me.role == Role::Moderator {
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
