use crate::access::Caller;
use crate::store::{network_not_found, not_linked, NetworksStore};
use crate::ApiError;
use axum::extract::{Path, State};
use axum::Json;
use domain::audit::{Actor, Event, Kind};
use identity::AppState;
use serde_json::{json, Value};
use web::path_id;

/// Backend endpoint: removes the link of platform user `user_id` (integer
/// id) to the network. Allowed on a disabled network.
pub async fn unlink(
    State(state): State<AppState>,
    caller: Caller,
    Path((raw_id, raw_user)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let (id, user) = (path_id(&raw_id), path_id(&raw_user));
    let store = NetworksStore::of(&state);
    let (auth, snapshot) = tokio::join!(caller.check(&state.store), async {
        match (id, user) {
            (Some(id), Some(user)) => store.unlink_snapshot(id, user).await.map(Some),
            _ => Ok(None),
        }
    });
    auth?;
    let (Some(id), Some(user), Some(snapshot)) = (id, user, snapshot?) else {
        return Err(if id.is_some() {
            not_linked()
        } else {
            network_not_found()
        }
        .into());
    };
    let event = Event::new(Kind::NetworkUnlinked, Actor::App);
    store.unlink_account(id, user, snapshot, &event).await?;
    Ok(Json(json!({
        "message": "Social network account unlinked successfully"
    })))
}
