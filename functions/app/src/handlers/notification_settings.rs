use crate::fields::Fields;
use crate::rules::NOTIFICATIONS;
use crate::store::AppStore;
use crate::views::{self, done};
use crate::{caller, ApiError};
use axum::extract::State;
use axum::Json;
use domain::Error;
use http::HeaderMap;
use identity::AppState;
use serde_json::Value;

/// `POST /api/get/notifications/`: the seven settings with their names.
pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let (_, user) = caller::user(&state, &headers).await?;
    Ok(Json(views::notification_settings(&user)))
}

/// `POST /api/update/notifications/`: any of the seven codes as booleans;
/// the ones not sent keep their value.
pub async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    fields: Fields,
) -> Result<Json<Value>, ApiError> {
    let mut changes = Vec::new();
    for (code, _) in NOTIFICATIONS {
        if let Some(on) = fields.boolean(code)? {
            changes.push((code, on));
        }
    }
    if changes.is_empty() {
        return Err(
            Error::invalid("new_campaign", "send at least one notification setting").into(),
        );
    }
    let session = caller::session(&state, &headers).await?;
    AppStore::of(&state)
        .set_notification_settings(&session, &changes)
        .await?;
    Ok(done("Notification settings updated"))
}
