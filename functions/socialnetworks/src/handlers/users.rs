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

/// `total` sums the network's allocators (the network item's and its
/// shards'), read with the caller's key; the page is then one range Query
/// per allocator, side by side (store/users_page.rs).
pub async fn users(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
    Input(params, _): Input<PageParams, ApiError>,
) -> Result<Json<Value>, ApiError> {
    let page = params.parse()?;
    let id = path_id(&raw);
    let store = NetworksStore::of(&state);
    let (auth, network) = tokio::join!(caller.check(&state.store), async {
        match id {
            Some(id) => store.get_network(id).await,
            None => Ok(None),
        }
    });
    auth?;
    let network = network?.ok_or_else(network_not_found)?;
    let slots = store
        .users_page(network.record.id, &network.counts(), page.positions())
        .await?;
    let users: Vec<NetworkUserView> = slots.into_iter().map(NetworkUserView::from).collect();
    Ok(Json(json!({
        "users": users,
        "total": network.users_count(),
        "page": page.page,
        "per_page": page.per_page,
    })))
}
