use crate::access::Caller;
use crate::paging::PageParams;
use crate::store::NetworksStore;
use crate::views::NetworkView;
use crate::ApiError;
use axum::extract::State;
use axum::Json;
use identity::AppState;
use serde_json::{json, Value};
use web::Input;

/// One range Query on the networks' dense positions, beside the key check.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Input(params, _): Input<PageParams, ApiError>,
) -> Result<Json<Value>, ApiError> {
    let (first, last) = params.parse()?.positions();
    let store = NetworksStore::of(&state);
    let (auth, rows) = tokio::join!(caller.check(&state.store), store.networks_at(first, last));
    auth?;
    let mut rows = rows?;
    rows.sort_by_key(|n| n.position);
    let items: Vec<NetworkView> = rows.into_iter().map(NetworkView::from).collect();
    Ok(Json(json!({ "social_networks": items })))
}
