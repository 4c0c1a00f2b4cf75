//! The network a path names, read concurrently with the key check; the key
//! decides first, so an unauthorised caller learns nothing about ids.

use crate::access::Caller;
use crate::paging::path_id;
use crate::ApiError;
use table::{Network, Store};

pub async fn network(store: &Store, caller: &Caller, raw_id: &str) -> Result<Network, ApiError> {
    let id = path_id(raw_id);
    let (auth, found) = tokio::join!(caller.check(store), async {
        match id {
            Some(id) => store.get_network(id).await,
            None => Ok(None),
        }
    });
    auth?;
    found?.ok_or_else(ApiError::not_found)
}
