use crate::views::role_catalogue;
use crate::{caller, ApiError};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use domain::scopes::ROLES_READ;
use identity::AppState;
use serde_json::json;

/// The document shows this one answer without `data`: `{"roles": […]}`
/// (its table says "Response Parameters", not "Response Data
/// Parameters"); `ok` is added as on every answer.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    caller::bearer(&state, &headers, ROLES_READ).await?;
    Ok(Json(json!({ "ok": 1, "roles": role_catalogue() })))
}
