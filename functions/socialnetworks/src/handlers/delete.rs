use crate::access::Caller;
use crate::store::{network_not_found, NetworksStore};
use crate::ApiError;
use axum::extract::{Path, State};
use axum::Json;
use identity::AppState;
use serde_json::{json, Value};
use web::path_id;

/// Refused (422) while users are linked: the condition `users_count = 0`
/// is checked in the delete's own transaction, so a racing link cannot slip
/// in between.
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = path_id(&raw);
    let store = NetworksStore::of(&state);
    let (auth, snapshot) = tokio::join!(caller.check(&state.store), async {
        match id {
            Some(id) => store.delete_snapshot(id).await.map(Some),
            None => Ok(None),
        }
    });
    auth?;
    let (Some(id), Some(snapshot)) = (id, snapshot?) else {
        return Err(network_not_found().into());
    };
    store.delete_network(id, snapshot).await?;
    Ok(Json(
        json!({ "message": "Social network deleted successfully" }),
    ))
}
