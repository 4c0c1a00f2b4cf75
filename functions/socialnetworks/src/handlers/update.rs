use super::create::NetworkRequest;
use crate::access::Caller;
use crate::store::{network_not_found, NetworkWriteError, NetworksStore};
use crate::views::NetworkView;
use crate::{lookup, ApiError};
use axum::extract::{Path, State};
use axum::Json;
use identity::AppState;
use serde_json::{json, Value};
use web::Input;

/// Reads for a key change that lost a race before giving up with a 409.
const ATTEMPTS: usize = 3;

/// Unset optional fields keep their values; a masked settings value keeps
/// the stored secret; a key change moves the key's sentinel in the same
/// transaction (conditioned on the key read, so a racing update re-reads).
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Input(req, _): Input<NetworkRequest, ApiError>,
) -> Result<Json<Value>, ApiError> {
    let input = req.parse()?;
    let mut network = lookup::network(&state, &caller, &id).await?;
    let store = NetworksStore::of(&state);
    for attempt in 1..=ATTEMPTS {
        let fields = input.fields(&state, Some(&network.record)).await?;
        match store.update_network(&network.record, &fields).await {
            Ok(record) => {
                return Ok(Json(json!({
                    "message": "Social network updated successfully",
                    "social_network": NetworkView::from(record),
                })))
            }
            Err(NetworkWriteError::Changed) if attempt < ATTEMPTS => {
                network = store
                    .get_network(network.record.id)
                    .await?
                    .ok_or_else(network_not_found)?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(NetworkWriteError::Changed.into())
}
