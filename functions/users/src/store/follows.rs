//! Follow entries. One entry per (follower, followed) pair, in the
//! follower's partition (`USER#<source>` / `FOLLOWS#<target>`), with a
//! pointer from its 24-hex `_id` (`FOLLOW#<id>`); the entry carries the
//! list indexes: GSI1 `FOLLOWERS#<target>` (approved) or
//! `REQUESTS#<target>` (pending), GSI2 `FOLLOWING#<source>` (approved
//! only), both sorted by the time-ordered `_id`. The counters count
//! approved entries and move in the same transaction as the entry: whom a
//! user follows on the follower's own item (`following_count`), followers
//! on a random shard of the followed user's counter (`keys::FOLLOWERS`), so
//! a crowd following one account never writes one item; an approved
//! follow's privacy condition is on that shard too (`counts`).

use super::error::{blocked, not_found_user, not_yourself};
use super::{boolean, keys, lost_race, retrying, SocialStore};
use aws_sdk_dynamodb::types::{ConditionCheck, Delete, Put, Update};
use chrono::{DateTime, Utc};
use domain::{Error, User, UserId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use table::contention::Step;
use table::item::{n, put_new, s, to_item, Item};
use table::{StoreError, Transaction};

/// A follow entry as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FollowEntry {
    pub id: String,
    pub source: UserId,
    pub target: UserId,
    pub approved: bool,
    pub created_at: DateTime<Utc>,
}

/// What an entry's `_id` points to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FollowPointer {
    pub id: String,
    pub source: UserId,
    pub target: UserId,
    pub approved: bool,
}

/// A fresh entry id: 12 hex digits of milliseconds, 12 random, so ids
/// sort by creation (the lists' keyset order).
fn entry_id() -> String {
    let ms = domain::time::now_ms().max(0) as u64 & 0xffff_ffff_ffff;
    let random: [u8; 6] = rand::random();
    format!("{ms:012x}{}", hex::encode(random))
}

impl FollowEntry {
    fn new(source: &UserId, target: &UserId, approved: bool) -> Self {
        Self {
            id: entry_id(),
            source: source.clone(),
            target: target.clone(),
            approved,
            created_at: domain::time::now(),
        }
    }

    fn item(&self) -> Result<Item, StoreError> {
        let mut item = to_item(self)?;
        item.extend(keys::follow_entry(&self.source, &self.target));
        let list = if self.approved {
            keys::followers_of(&self.target)
        } else {
            keys::requests_of(&self.target)
        };
        item.insert("gsi1pk".into(), s(list));
        item.insert("gsi1sk".into(), s(&self.id));
        if self.approved {
            item.insert("gsi2pk".into(), s(keys::following_of(&self.source)));
            item.insert("gsi2sk".into(), s(&self.id));
        }
        Ok(item)
    }

    fn pointer(&self) -> FollowPointer {
        FollowPointer {
            id: self.id.clone(),
            source: self.source.clone(),
            target: self.target.clone(),
            approved: self.approved,
        }
    }
}

/// Counter changes of one transaction, one Update per user (a transaction
/// may not touch an item twice).
#[derive(Default)]
pub(super) struct Deltas(BTreeMap<String, (i64, i64)>);

impl Deltas {
    /// An approved entry appears (+1) or goes (-1).
    pub(super) fn entry(&mut self, source: &UserId, target: &UserId, by: i64) {
        self.0.entry(target.to_string()).or_default().0 += by;
        self.0.entry(source.to_string()).or_default().1 += by;
    }

    /// The user items' `following_count` and the followed users' shards.
    pub(super) fn updates(&self, table: &str) -> Result<Vec<Update>, StoreError> {
        let mut updates = Vec::new();
        for (id, (followers, follows)) in &self.0 {
            if *followers != 0 {
                updates.push(keys::FOLLOWERS.add(table, id, keys::FOLLOWERS_ATTR, *followers)?);
            }
            if *follows != 0 {
                updates.push(following(
                    table,
                    &UserId::from_stored(id.clone()),
                    *follows,
                )?);
            }
        }
        Ok(updates)
    }
}

/// `ADD following_count` on a user.
fn following(table: &str, user: &UserId, by: i64) -> Result<Update, StoreError> {
    Ok(Update::builder()
        .table_name(table)
        .set_key(Some(keys::user_key(user)))
        .update_expression("ADD following_count :b")
        .expression_attribute_values(":b", n(by))
        .build()?)
}

/// Deletes an entry as read (condition: still that entry, same approval)
/// and its pointer, and counts it out.
pub(super) fn remove_entry<T: Copy + PartialEq + std::fmt::Debug>(
    tx: Transaction<T>,
    tag: T,
    table: &str,
    entry: &FollowPointer,
    deltas: &mut Deltas,
) -> Result<Transaction<T>, StoreError> {
    if entry.approved {
        deltas.entry(&entry.source, &entry.target, -1);
    }
    Ok(tx
        .delete_if(
            tag,
            Delete::builder()
                .table_name(table)
                .set_key(Some(keys::follow_entry(&entry.source, &entry.target)))
                .condition_expression("id = :id AND approved = :a")
                .expression_attribute_values(":id", s(&entry.id))
                .expression_attribute_values(":a", boolean(entry.approved))
                .build()?,
        )
        .delete(
            Delete::builder()
                .table_name(table)
                .set_key(Some(keys::follow_pointer(&entry.id)))
                .build()?,
        ))
}

/// What a follow decides on.
pub struct FollowSnapshot {
    pub target: Option<User>,
    pub existing: Option<FollowPointer>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum FollowTag {
    BlockedByMe,
    BlockedByThem,
    /// The caller's entry appeared meanwhile (a concurrent follow).
    Exists,
    /// The target changed privacy or vanished: read again.
    Target,
    /// A fresh id collided.
    Pointer,
}

impl<'a> SocialStore<'a> {
    pub async fn follow_snapshot(
        &self,
        me: &UserId,
        target: &UserId,
    ) -> Result<FollowSnapshot, Error> {
        let (user, existing) = tokio::join!(
            self.user(target),
            self.get::<FollowPointer>(keys::follow_entry(me, target))
        );
        Ok(FollowSnapshot {
            target: user?,
            existing: existing?,
        })
    }

    /// `me` follows `target`: approved at once for a public account, a
    /// request for a private one; following twice changes nothing.
    pub async fn follow(
        &self,
        me: &UserId,
        target: &UserId,
        first: FollowSnapshot,
    ) -> Result<(), Error> {
        if me == target {
            return Err(not_yourself("target"));
        }
        retrying(
            "follow",
            first,
            || self.follow_snapshot(me, target),
            |snap| self.try_follow(me, snap),
        )
        .await
    }

    async fn try_follow(&self, me: &UserId, snap: FollowSnapshot) -> Result<Step<()>, Error> {
        let target = match snap.target {
            Some(t) if !t.banned => t,
            _ => return Err(not_found_user().on("target")),
        };
        if snap.existing.is_some() {
            return Ok(Step::Done(()));
        }
        let table = self.name();
        let entry = FollowEntry::new(me, &target.id, !target.is_private);
        let absent = |key: Item| {
            ConditionCheck::builder()
                .table_name(table)
                .set_key(Some(key))
                .condition_expression("attribute_not_exists(pk)")
                .build()
        };
        let mut tx = self
            .table
            .transaction()
            .check(
                FollowTag::BlockedByMe,
                absent(keys::block(me, &target.id)).map_err(StoreError::from)?,
            )
            .check(
                FollowTag::BlockedByThem,
                absent(keys::block(&target.id, me)).map_err(StoreError::from)?,
            )
            .put_if(FollowTag::Exists, put_new(table, entry.item()?)?)
            .put_if(FollowTag::Pointer, self.pointer_put(&entry.pointer())?);
        // The target's privacy as read decides approval: approved, a
        // condition on the follower shard it counts on (each mirrors the
        // flag), so a crowd never meets on the target's item; a request, a
        // condition on the user item (requests are not counted).
        if entry.approved {
            tx = tx
                .update_if(FollowTag::Target, public_shard(table, &target.id)?)
                .update(following(table, me, 1)?);
        } else {
            tx = tx.check(
                FollowTag::Target,
                ConditionCheck::builder()
                    .table_name(table)
                    .set_key(Some(keys::user_key(&target.id)))
                    .condition_expression("is_private = :t")
                    .expression_attribute_values(":t", boolean(true))
                    .build()
                    .map_err(StoreError::from)?,
            );
        }
        match tx.commit().await {
            Ok(()) => Ok(Step::Done(())),
            Err(e) if e.failed(FollowTag::BlockedByMe) => Err(blocked()),
            Err(e) if e.failed(FollowTag::BlockedByThem) => Err(not_found_user().on("target")),
            Err(e) if e.failed(FollowTag::Exists) => Ok(Step::Done(())),
            Err(e) => lost_race(e),
        }
    }

    fn pointer_put(&self, pointer: &FollowPointer) -> Result<Put, StoreError> {
        let mut item = to_item(pointer)?;
        item.extend(keys::follow_pointer(&pointer.id));
        put_new(self.name(), item)
    }
}

/// One more follower on a random shard of `user`, if the shard does not
/// say the account is private (an absent flag: public, as every account
/// was before its first privacy change wrote the shards).
fn public_shard(table: &str, user: &UserId) -> Result<Update, StoreError> {
    let shard = keys::FOLLOWERS.random_shard();
    Ok(keys::FOLLOWERS
        .add_on(table, user.as_str(), shard, &[(keys::FOLLOWERS_ATTR, 1)])
        .condition_expression("attribute_not_exists(is_private) OR is_private <> :t")
        .expression_attribute_values(":t", boolean(true))
        .build()?)
}
