//! The surface's own access patterns on the one table (docs/data-model.md):
//! networks with their maintained counters, the unique `key` sentinel and
//! the dense positions of the networks list; the links of users to networks
//! with the dense slots of each users list; authorizations and their
//! cooldown clock. Every write is one tagged transaction; a condition that
//! fails because another writer came first is a lost race, read again and
//! retried (`table::contention`), the others are typed refusals.

mod authorization;
mod error;
mod keys;
mod link;
mod network;
mod network_writes;
mod shards;
mod unlink;
mod users_page;

pub use authorization::{Authorization, AuthorizationSnapshot};
pub use error::{network_not_found, not_linked, LinkError, NetworkWriteError, HAS_LINKED_USERS};
/// GSI1 partition of the networks list (the erasure reads every network).
pub use keys::NETWORKS;
pub use link::{AccountRecord, LinkSnapshot, MemberRecord, NetworkAccount, SlotRecord};
pub use network::{month_of, Network, NetworkCounter, NetworkFields, NetworkRecord};
pub use network_writes::DeleteSnapshot;
pub use unlink::UnlinkSnapshot;

use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use chrono::{DateTime, SecondsFormat, Utc};
use identity::AppState;
use serde::{de::DeserializeOwned, Serialize};
pub(crate) use table::contention::{lost_race, retrying};
use table::item::{from_item, put_new, to_item, Item};
use table::{Store, StoreError};

/// The social networks' view of the one table.
#[derive(Clone, Copy)]
pub struct NetworksStore<'a> {
    table: &'a Store,
}

impl<'a> NetworksStore<'a> {
    pub fn new(table: &'a Store) -> Self {
        Self { table }
    }

    /// The store of the function's state.
    pub fn of(state: &'a AppState) -> Self {
        Self::new(&state.store)
    }

    fn name(&self) -> &str {
        self.table.table()
    }

    /// A Query on the table.
    fn query(&self) -> QueryFluentBuilder {
        self.table.client().query().table_name(self.name())
    }
}

/// The items a Query answered, as records.
fn records<T: DeserializeOwned>(items: Option<Vec<Item>>) -> Result<Vec<T>, StoreError> {
    items
        .unwrap_or_default()
        .into_iter()
        .map(from_item)
        .collect()
}

/// The first item a Query answered, as a record.
fn first<T: DeserializeOwned>(items: Option<Vec<Item>>) -> Result<Option<T>, StoreError> {
    items
        .unwrap_or_default()
        .into_iter()
        .next()
        .map(from_item)
        .transpose()
}

/// `record` stored under `key`.
fn with_key<T: Serialize>(record: &T, key: Item) -> Result<Item, StoreError> {
    let mut item = to_item(record)?;
    item.extend(key);
    Ok(item)
}

/// Instants as the items and the document spell them.
pub fn iso(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}
