//! A network's users on eight shards, so that links, unlinks and
//! authorizations through one provider do not all write the network item
//! (docs/decisions.md, "A network's users on shards"). Shard `n` is the
//! partition `NETUSERS#<network>#<n>`; its `COUNT` item holds
//! - `users`: how many users hold a slot in this shard, and so the dense
//!   allocator of its slots `SLOT#<pos>` (1..=users) in the same partition;
//! - the month's `active_YYYYMM` and `registered_YYYYMM`, and the shard's
//!   `last_authorization`.
//!
//! A user's shard is fixed by their integer id (`seq % 8`), so an unlink
//! finds its slot and every shard's `users` is its own exact count. Links
//! made before the shards keep their slots on the network item's allocator
//! (`users_count`, slots in `NETWORK#<id>`): the base every total adds to,
//! which only shrinks. Deleting a network leaves a `deleted` tombstone on
//! each shard (for a week, by TTL; ids are never reused), so a link racing
//! the delete fails instead of counting into a network that is gone.

use super::keys;
use super::network::{active_attr, registered_attr};
use super::MemberRecord;
use aws_sdk_dynamodb::types::{Put, Update};
use chrono::{DateTime, Utc};
use table::item::{key, n, s, Item};
use table::sharded::Sharded;
use table::StoreError;

pub const SHARDS: u32 = 8;
/// The shard families' items (table::sharded keys them).
pub const USERS: Sharded = Sharded::new("NETUSERS", SHARDS);
/// How long a deleted network's tombstones stay.
const TOMBSTONE_SECS: i64 = 7 * 86_400;

/// Which allocator holds a user's slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allocator {
    /// The network item's own, from before the shards (only shrinks).
    Base,
    Shard(u32),
}

impl Allocator {
    /// Where a new link of user `seq` goes.
    pub fn for_user(seq: u64) -> Self {
        Allocator::Shard(shard_of(seq))
    }

    pub fn of(member: &MemberRecord) -> Self {
        member.shard.map_or(Allocator::Base, Allocator::Shard)
    }

    /// The order of allocators in the users list: the base first.
    pub fn all() -> impl Iterator<Item = Allocator> {
        std::iter::once(Allocator::Base).chain((0..SHARDS).map(Allocator::Shard))
    }

    pub fn partition(self, network: u64) -> String {
        match self {
            Allocator::Base => keys::network(network),
            Allocator::Shard(k) => USERS.partition(&network.to_string(), k),
        }
    }

    pub fn slot_key(self, network: u64, pos: u64) -> Item {
        key(self.partition(network), &keys::network_slot(pos))
    }
}

/// The shard whose counters a user's changes move.
pub fn shard_of(seq: u64) -> u32 {
    (seq % u64::from(SHARDS)) as u32
}

/// One shard as read (absent: all zero).
#[derive(Debug, Clone, Default)]
pub struct ShardCounts {
    pub users: u64,
    /// This month's counters; a shard may be negative (a user counted
    /// active before the shards and unlinked after), the sum is exact.
    pub active: i64,
    pub registered: i64,
    pub last_authorization: Option<DateTime<Utc>>,
    pub deleted: bool,
}

fn number(item: &Item, attr: &str) -> i64 {
    table::item::number(item, attr).unwrap_or(0)
}

/// The shards of `network` in shard order, from a BatchGetItem's items.
pub(super) fn shard_counts(network: u64, items: &[Item], month: &str) -> Vec<ShardCounts> {
    (0..SHARDS)
        .map(|k| {
            let pk = USERS.partition(&network.to_string(), k);
            items
                .iter()
                .find(|i| i.get("pk").and_then(|v| v.as_s().ok()) == Some(&pk))
                .map(|i| ShardCounts {
                    users: number(i, "users").max(0) as u64,
                    active: number(i, &active_attr(month)),
                    registered: number(i, &registered_attr(month)),
                    last_authorization: i
                        .get("last_authorization")
                        .and_then(|v| v.as_s().ok())
                        .and_then(|v| DateTime::parse_from_rfc3339(v).ok())
                        .map(|t| t.with_timezone(&Utc)),
                    deleted: i.contains_key("deleted"),
                })
                .unwrap_or_default()
        })
        .collect()
}

/// An update of shard `k` of `network`, which must not be a deleted
/// network's tombstone; it names its owner (as every sharded counter does).
pub fn shard_update(
    table: &str,
    network: u64,
    k: u32,
) -> aws_sdk_dynamodb::types::builders::UpdateBuilder {
    Update::builder()
        .table_name(table)
        .set_key(Some(USERS.key(&network.to_string(), k)))
        .expression_attribute_values(":owner", s(network.to_string()))
}

/// `users` moves from `count` to `to` on shard `k`, if it is still `count`
/// and the network was not deleted; `set`/`add` are further clauses.
pub fn move_users(
    table: &str,
    (network, k): (u64, u32),
    (count, to): (u64, u64),
    set: &str,
    add: &str,
) -> aws_sdk_dynamodb::types::builders::UpdateBuilder {
    // A shard an unlink emptied keeps `users = 0`.
    let was = if count == 0 {
        "(attribute_not_exists(#users) OR #users = :n)"
    } else {
        "#users = :n"
    };
    let add = if add.is_empty() {
        String::new()
    } else {
        format!(" ADD {add}")
    };
    shard_update(table, network, k)
        .update_expression(format!("SET #owner = :owner, #users = :n1{set}{add}"))
        .condition_expression(format!("attribute_not_exists(deleted) AND {was}"))
        .expression_attribute_names("#owner", "owner")
        .expression_attribute_names("#users", "users")
        .expression_attribute_values(":n", n(count))
        .expression_attribute_values(":n1", n(to))
}

/// The tombstone of shard `k` of a deleted network: only over a shard
/// without users.
pub fn tombstone(table: &str, network: u64, k: u32) -> Result<Put, StoreError> {
    let mut item = USERS.key(&network.to_string(), k);
    item.insert("owner".into(), s(network.to_string()));
    item.insert(
        "deleted".into(),
        aws_sdk_dynamodb::types::AttributeValue::Bool(true),
    );
    let expires = domain::time::now().timestamp() + TOMBSTONE_SECS;
    item.insert(table::schema::TTL_ATTRIBUTE.into(), n(expires));
    Ok(Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression("attribute_not_exists(#users) OR #users = :zero")
        .expression_attribute_names("#users", "users")
        .expression_attribute_values(":zero", n(0))
        .build()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_always_lands_on_the_same_shard_and_the_base_comes_first() {
        assert_eq!(Allocator::for_user(19), Allocator::Shard(3));
        assert_eq!(Allocator::for_user(19), Allocator::for_user(19));
        let all: Vec<_> = Allocator::all().collect();
        assert_eq!(all.len(), 9);
        assert_eq!(all[0], Allocator::Base);
        assert_eq!(Allocator::Shard(2).partition(7), "NETUSERS#7#2");
        assert_eq!(Allocator::Base.partition(7), "NETWORK#7");
    }

    #[test]
    fn absent_shards_read_as_zero_and_present_ones_as_stored() {
        let mut item = USERS.key("7", 5);
        item.insert("users".into(), n(4));
        item.insert("active_202612".into(), n(-1));
        item.insert("last_authorization".into(), s("2026-12-04T10:00:00Z"));
        let shards = shard_counts(7, &[item], "202612");
        assert_eq!(shards.len(), 8);
        assert_eq!((shards[5].users, shards[5].active), (4, -1));
        assert!(shards[5].last_authorization.is_some());
        assert_eq!(shards[0].users, 0);
        assert!(!shards[0].deleted);
    }
}
