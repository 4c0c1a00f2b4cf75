use crate::access::Caller;
use crate::store::NetworksStore;
use crate::views::NetworkView;
use crate::{lookup, ApiError};
use axum::extract::{Path, State};
use axum::Json;
use identity::AppState;
use serde_json::{json, Value};

pub async fn toggle(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let network = lookup::network(&state, &caller, &id).await?;
    let record = NetworksStore::of(&state)
        .toggle_network(network.record)
        .await?;
    Ok(Json(json!({
        "message": "Social network status updated successfully",
        "social_network": NetworkView::from(record),
    })))
}
