use super::link::account_value;
use crate::access::Caller;
use crate::store::{iso, network_not_found, NetworksStore};
use crate::ApiError;
use axum::extract::{Path, State};
use axum::Json;
use identity::AppState;
use serde::Deserialize;
use serde_json::{json, Value};
use web::path_id;
use web::Input;

/// Backend endpoint: a linked network account signed in through the
/// network. Refused on a disabled network (403), for an unlinked account
/// (404) and within the network's cooldown (429 with `Retry-After`).
#[derive(Deserialize)]
pub struct AuthorizeRequest {
    value: Option<String>,
}

pub async fn authorize(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
    Input(req, _): Input<AuthorizeRequest, ApiError>,
) -> Result<Json<Value>, ApiError> {
    let value = account_value(req.value)?;
    let id = path_id(&raw);
    let store = NetworksStore::of(&state);
    let (auth, snapshot) = tokio::join!(caller.check(&state.store), async {
        match id {
            Some(id) => store.authorization_snapshot(id, &value).await.map(Some),
            None => Ok(None),
        }
    });
    auth?;
    let (Some(id), Some(snapshot)) = (id, snapshot?) else {
        return Err(network_not_found().into());
    };
    let done = store.record_authorization(id, &value, snapshot).await?;
    Ok(Json(json!({
        "message": "Authorization recorded successfully",
        "authorization": {
            "user_id": done.user_seq,
            "value": value,
            "authorized_at": iso(done.at),
        },
    })))
}
