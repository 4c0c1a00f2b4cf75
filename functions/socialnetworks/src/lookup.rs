//! The network a path names, read concurrently with the key check; the key
//! decides first, so an unauthorised caller learns nothing about ids.

use crate::access::Caller;
use crate::store::{network_not_found, Network, NetworksStore};
use crate::ApiError;
use identity::AppState;
use web::path_id;

pub async fn network(state: &AppState, caller: &Caller, raw_id: &str) -> Result<Network, ApiError> {
    let id = path_id(raw_id);
    let (auth, found) = tokio::join!(caller.check(&state.store), async {
        match id {
            Some(id) => NetworksStore::of(state).get_network(id).await,
            None => Ok(None),
        }
    });
    auth?;
    Ok(found?.ok_or_else(network_not_found)?)
}
