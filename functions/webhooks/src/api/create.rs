use super::{ApiError, Caller};
use crate::manage::{self, EndpointRequest};
use crate::settings::Settings;
use axum::extract::{Path, State};
use axum::Json;
use http::StatusCode;
use identity::AppState;
use serde_json::{json, Value};
use web::Input;

/// `201 {webhook, secret}`: the secret is shown this once.
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Input(req, _): Input<EndpointRequest, ApiError>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let record = req.new_endpoint(&Settings::from_env())?;
    caller.check(&state.store).await?;
    // Sealed only for an authenticated caller: a stranger costs no KMS call.
    let (record, secret) = manage::create(&state.store, state.secrets()?, record).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "webhook": manage::endpoint_view(&record), "secret": secret.expose() })),
    ))
}

/// A new secret, shown once; the previous one signs too for 24 hours.
pub async fn rotate(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let record = caller.endpoint(&state.store, &id).await?;
    let (record, secret) = manage::rotate(&state.store, state.secrets()?, record).await?;
    Ok(Json(
        json!({ "webhook": manage::endpoint_view(&record), "secret": secret.expose() }),
    ))
}
