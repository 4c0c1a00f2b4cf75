//! The Social Networks API's part of an account deletion and export
//! (`functions/lifecycle`): every link of the account goes, each through
//! the unlink transaction, so the network's `users_count`, its dense users
//! list and its monthly counters stay exact. Networks are operator-scale
//! (a handful), so one step reads them all.

use crate::store::{LinkError, MemberRecord, NetworksStore, NETWORKS};
use domain::audit::Event;
use domain::Error;
use identity::AppState;
use table::erasure::Scope;

/// The account's link to each network it is linked to (network id, link).
pub async fn memberships(
    state: &AppState,
    user_seq: u64,
) -> Result<Vec<(u64, MemberRecord)>, Error> {
    let store = NetworksStore::of(state);
    let scope = Scope::index(table::keys::GSI1, "gsi1pk", NETWORKS.to_owned());
    let ids: Vec<u64> = state
        .store
        .first_items(&scope, 1000)
        .await?
        .iter()
        .filter_map(|item| item.get("id")?.as_n().ok()?.parse().ok())
        .collect();
    let links =
        futures::future::try_join_all(ids.iter().map(|id| store.member(*id, user_seq))).await?;
    Ok(ids
        .into_iter()
        .zip(links)
        .filter_map(|(id, link)| Some((id, link?)))
        .collect())
}

/// Unlinks every network of the account; `event` (`network_unlinked`, by
/// whoever asked for the deletion) goes into its audit log with each.
pub async fn links(state: &AppState, user_seq: u64, event: &Event) -> Result<(), Error> {
    let store = NetworksStore::of(state);
    for (id, _) in memberships(state, user_seq).await? {
        let snapshot = store.unlink_snapshot(id, user_seq).await?;
        match store.unlink_account(id, user_seq, snapshot, event).await {
            Ok(_) | Err(LinkError::NotLinked) | Err(LinkError::NetworkNotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}
