use crate::access::Caller;
use crate::paging::PageParams;
use crate::store::{network_not_found, NetworksStore};
use crate::views::NetworkUserView;
use crate::ApiError;
use axum::extract::{Path, State};
use axum::Json;
use identity::AppState;
use serde_json::{json, Value};
use web::path_id;
use web::Input;

/// `total` is the network's maintained `users_count`; the page is one range
/// Query on the dense slots, run beside the network read and the key check.
pub async fn users(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
    Input(params, _): Input<PageParams, ApiError>,
) -> Result<Json<Value>, ApiError> {
    let page = params.parse()?;
    let (first, last) = page.positions();
    let id = path_id(&raw);
    let store = NetworksStore::of(&state);
    let (auth, network, slots) = tokio::join!(
        caller.check(&state.store),
        async {
            match id {
                Some(id) => store.get_network(id).await,
                None => Ok(None),
            }
        },
        async {
            match id {
                Some(id) => store.network_slots(id, first, last).await,
                None => Ok(Vec::new()),
            }
        }
    );
    auth?;
    let network = network?.ok_or_else(network_not_found)?;
    let mut slots = slots?;
    slots.sort_by_key(|s| s.position);
    let users: Vec<NetworkUserView> = slots.into_iter().map(NetworkUserView::from).collect();
    Ok(Json(json!({
        "users": users,
        "total": network.record.users_count,
        "page": page.page,
        "per_page": page.per_page,
    })))
}
