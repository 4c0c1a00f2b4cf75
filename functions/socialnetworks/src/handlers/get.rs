use crate::access::Caller;
use crate::views::NetworkDetailView;
use crate::{lookup, ApiError};
use axum::extract::{Path, State};
use axum::Json;
use identity::AppState;
use serde_json::{json, Value};

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let network = lookup::network(&state, &caller, &id).await?;
    Ok(Json(
        json!({ "social_network": NetworkDetailView::from(network) }),
    ))
}
