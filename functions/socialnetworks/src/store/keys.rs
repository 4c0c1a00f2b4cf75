//! The key formats of the surface's items (docs/data-model.md). The strings
//! are the stored data's: never change one without migrating the table.

use table::item::{key, Item};
use table::keys::{counter, COUNTER_SK, SENTINEL_SK};

/// A social network's partition: its record, one member item per linked
/// user and one dense position slot per member.
pub fn network(id: u64) -> String {
    format!("NETWORK#{id}")
}
pub const NETWORK_SK: &str = "NETWORK";
/// The member item of user `seq` in a network (one link per user and network).
pub fn network_member(seq: u64) -> String {
    format!("MEMBER#{seq:020}")
}
/// Position `pos` (1-based, dense) of one allocator of a network's users
/// list (the network item's, or a shard's: shards.rs).
pub fn network_slot(pos: u64) -> String {
    format!("SLOT#{pos:010}")
}
/// What every slot's sort key begins with.
pub const SLOT_PREFIX: &str = "SLOT#";
/// Sentinel that makes a network `key` unique.
pub fn network_key(key: &str) -> String {
    format!("NETWORKKEY#{key}")
}
/// Sentinel of a network account (network + id at the network): linked to
/// at most one user, and what an authorization looks up.
pub fn network_account(network: u64, value: &str) -> String {
    format!("NETACCOUNT#{network}#{value}")
}
/// GSI1 partition of the networks list; the sort key is the dense position.
pub const NETWORKS: &str = "NETWORKS";
pub fn network_position(pos: u64) -> String {
    format!("POS#{pos:010}")
}

/// The network record of `id`.
pub fn record_key(id: u64) -> Item {
    key(network(id), NETWORK_SK)
}
/// The networks counter (last id handed out, live networks).
pub fn counter_key() -> Item {
    key(counter("networks"), COUNTER_SK)
}
pub fn key_sentinel_key(key_name: &str) -> Item {
    key(network_key(key_name), SENTINEL_SK)
}
pub fn member_key(id: u64, seq: u64) -> Item {
    key(network(id), &network_member(seq))
}
pub fn account_key(id: u64, value: &str) -> Item {
    key(network_account(id, value), SENTINEL_SK)
}
