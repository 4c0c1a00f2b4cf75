//! The follower counter's shards (`keys::FOLLOWERS`): the counts a view
//! shows (the user item's `follower_count`, the count before the shards,
//! plus the shards' sum) and the privacy flag each shard mirrors.

use super::{keys, SocialStore};
use aws_sdk_dynamodb::types::Update;
use domain::{Error, User, UserId};
use std::collections::HashMap;
use table::item::s;
use table::sharded::total;
use table::{StoreError, Transaction, TxError};

/// Follower shard sums by user id.
pub type FollowerTotals = HashMap<String, i64>;

/// `user` with its exact follower count.
pub fn counted(mut user: User, totals: &FollowerTotals) -> User {
    user.follower_count = total(user.follower_count, totals.get(user.id.as_str()));
    user
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tag {
    User,
}

impl SocialStore<'_> {
    /// The follower shards' sums of `users` (one BatchGetItem per 12 users).
    pub async fn follower_totals(&self, users: &[&UserId]) -> Result<FollowerTotals, Error> {
        let owners: Vec<&str> = users.iter().map(|u| u.as_str()).collect();
        Ok(keys::FOLLOWERS
            .totals(self.table, &owners, keys::FOLLOWERS_ATTR)
            .await?)
    }

    /// Sets `is_private` on the user and on every follower shard in one
    /// transaction, so an approved follow's condition on its shard sees the
    /// change; a collision with a follow on a shard is tried again.
    /// `false` when the user is gone.
    pub async fn set_private(&self, user: &UserId, private: bool) -> Result<bool, Error> {
        for attempt in 1..=table::contention::ATTEMPTS {
            match self.privacy_tx(user, private)?.commit().await {
                Ok(()) => return Ok(true),
                Err(e) if e.failed(Tag::User) => return Ok(false),
                Err(TxError::Store(StoreError::Unavailable(_))) => {
                    table::contention::backoff(attempt).await
                }
                Err(e) => return Err(e.into_store_error().into()),
            }
        }
        Err(table::contention::exhausted("privacy").into())
    }

    fn privacy_tx(&self, user: &UserId, private: bool) -> Result<Transaction<Tag>, StoreError> {
        let flag = |k, set: &str| {
            Update::builder()
                .table_name(self.name())
                .set_key(Some(k))
                .update_expression(set)
                .expression_attribute_values(":v", super::boolean(private))
        };
        let user_update = flag(keys::user_key(user), "SET is_private = :v")
            .condition_expression("attribute_exists(pk)")
            .build()?;
        let mut tx = self.table.transaction().update_if(Tag::User, user_update);
        for shard in 0..keys::FOLLOWERS.shards() {
            let key = keys::FOLLOWERS.key(user.as_str(), shard);
            let update = flag(key, "SET is_private = :v, #owner = :owner")
                .expression_attribute_names("#owner", "owner")
                .expression_attribute_values(":owner", s(user.as_str()))
                .build()?;
            tx = tx.update(update);
        }
        Ok(tx)
    }
}

/// Whether an item of a batch is a follower shard.
pub fn is_shard(item: &table::item::Item) -> bool {
    item.get("sk")
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
        == Some(table::sharded::SHARD_SK)
}
