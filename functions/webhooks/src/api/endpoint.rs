use super::{ApiError, Caller};
use crate::manage::{self, EndpointRequest};
use crate::settings::Settings;
use axum::extract::{Path, State};
use axum::Json;
use http::StatusCode;
use identity::AppState;
use serde_json::{json, Value};
use web::Input;

/// The key check and the read run together.
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let record = caller.endpoint(&state.store, &id).await?;
    Ok(Json(json!({ "webhook": manage::endpoint_view(&record) })))
}

pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Input(req, _): Input<EndpointRequest, ApiError>,
) -> Result<Json<Value>, ApiError> {
    let record = caller.endpoint(&state.store, &id).await?;
    let record = manage::update(&state.store, &Settings::from_env(), record, req).await?;
    Ok(Json(json!({ "webhook": manage::endpoint_view(&record) })))
}

pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.check(&state.store).await?;
    manage::delete(&state.store, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `202`: the delivery is due again from the start of its schedule.
pub async fn replay(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.check(&state.store).await?;
    manage::replay(&state.store, &id).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "delivery_id": id, "status": "pending" })),
    ))
}
