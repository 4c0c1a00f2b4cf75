//! `GET /user/invite-codes`: the caller's invite codes, minted on the first
//! read (`user.invite-codes` per verified user, default 5); `targetId` and
//! `updatedAt` tell a used code. Unverified accounts have none.

use crate::envelope::ok;
use crate::store::{with_caller, SocialStore};
use crate::views::InviteCodeView;
use crate::ApiError;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use domain::scopes::SOCIAL_INVITE_CODE_READ;
use identity::AppState;
use serde_json::json;

#[tracing::instrument(skip_all)]
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let store = SocialStore::of(&state);
    let (me, listed) = with_caller(
        &state,
        &headers,
        SOCIAL_INVITE_CODE_READ,
        move |me| async move { store.invite_list(&me).await },
    )
    .await?;
    let count = state.config.invite_codes_per_user;
    let codes: Vec<InviteCodeView> = store
        .invite_codes(&me, listed, count)
        .await?
        .into_iter()
        .map(|r| {
            InviteCodeView::new(
                r.code,
                r.created_at,
                r.updated_at,
                r.target_id.map(|t| t.to_string()),
            )
        })
        .collect();
    Ok(ok(json!({ "inviteCodes": codes })))
}
