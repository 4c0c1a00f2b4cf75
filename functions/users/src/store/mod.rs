//! The Users API's own access patterns on the one table
//! (docs/data-model.md, "Users API: the social half"): follow entries with
//! their pointers and the maintained follower / following counters, blocks,
//! invite codes, and the queries of the search index (whose items every
//! surface writes: `table::search_index`). Every write is one tagged
//! transaction; a condition that fails because another writer came first
//! is a lost race, read again and retried (`table::contention`).

mod blocks;
mod counts;
mod erase;
mod error;
mod follow_changes;
mod follows;
mod invites;
mod keys;
mod lists;
mod search;
mod with_caller;

pub use counts::{counted, FollowerTotals};
pub use error::{not_found_user, private_account};
pub use follow_changes::EntryAction;
pub use follows::{FollowEntry, FollowPointer};
pub use invites::invite_code_of;
pub use keys::{followers_of, requests_of};
pub use lists::{ListKind, PageRequest};
pub use search::SearchQuery;
pub use with_caller::with_caller;

use aws_sdk_dynamodb::types::AttributeValue;
use domain::{Error, User, UserId};
use identity::AppState;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
pub(crate) use table::contention::{lost_race, retrying};
use table::item::{from_item, Item};
use table::{Store, StoreError};

/// The Users API's view of the one table.
#[derive(Clone, Copy)]
pub struct SocialStore<'a> {
    table: &'a Store,
}

impl<'a> SocialStore<'a> {
    pub fn of(state: &'a AppState) -> Self {
        Self {
            table: &state.store,
        }
    }

    fn name(&self) -> &str {
        self.table.table()
    }

    /// One item, strongly consistent.
    async fn get<T: DeserializeOwned>(&self, key: Item) -> Result<Option<T>, Error> {
        Ok(self.table.get_record(key).await?)
    }

    pub async fn user(&self, id: &UserId) -> Result<Option<User>, Error> {
        Ok(self.table.get_user(id).await?)
    }

    /// Whether either user blocks the other (two reads side by side).
    pub async fn blocked_between(&self, a: &UserId, b: &UserId) -> Result<bool, Error> {
        let (ab, ba) = tokio::join!(self.raw(keys::block(a, b)), self.raw(keys::block(b, a)));
        Ok(ab?.is_some() || ba?.is_some())
    }

    async fn raw(&self, key: Item) -> Result<Option<Item>, Error> {
        let out = self
            .table
            .client()
            .get_item()
            .table_name(self.name())
            .set_key(Some(key))
            .consistent_read(true)
            .send()
            .await
            .map_err(StoreError::from)?;
        Ok(out.item)
    }

    /// Many items by key, strongly consistent (`Store::batch_get`).
    async fn batch(&self, keys: Vec<Item>) -> Result<Vec<Item>, Error> {
        Ok(self.table.batch_get(keys).await?)
    }

    /// The users of `ids` that exist, by id, with their exact follower
    /// counts (the users and their follower shards in one batch).
    pub async fn users(&self, ids: &[UserId]) -> Result<HashMap<UserId, User>, Error> {
        let mut unique: Vec<&UserId> = ids.iter().collect();
        unique.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        unique.dedup();
        let wanted = unique
            .into_iter()
            .flat_map(|id| {
                std::iter::once(keys::user_key(id)).chain(keys::FOLLOWERS.keys(id.as_str()))
            })
            .collect();
        let (shards, users): (Vec<Item>, Vec<Item>) = self
            .batch(wanted)
            .await?
            .into_iter()
            .partition(counts::is_shard);
        let totals = table::sharded::sum(shards, keys::FOLLOWERS_ATTR);
        users
            .into_iter()
            .map(|i| from_item::<User>(i).map(|u| (u.id.clone(), counted(u, &totals))))
            .collect::<Result<_, _>>()
            .map_err(Error::from)
    }
}

/// A string attribute of an item.
fn text<'i>(item: &'i Item, name: &str) -> Option<&'i str> {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
}

fn boolean(value: bool) -> AttributeValue {
    AttributeValue::Bool(value)
}
