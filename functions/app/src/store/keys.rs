//! Key formats of the App Users API's own items (docs/data-model.md).

/// Notifications live in their user's partition (its sort keys are
/// table::keys'): one Query pages them.
pub use table::keys::{notification, NOTIFICATION_PREFIX};

/// Statistics counters, spread over shards so a burst of sign-ups and
/// profile updates does not throttle one item; a read sums all shards.
pub const STATS_SHARDS: u32 = 8;
pub fn stats_shard(shard: u32) -> String {
    format!("APPSTATS#{shard}")
}
pub const STATS_SK: &str = "STATS";

/// The country and city catalogue: one small partition (operator-scale).
pub const CATALOGUE: &str = "CATALOGUE";
pub fn country(id: u64) -> String {
    format!("COUNTRY#{id:06}")
}
pub fn city(id: u64) -> String {
    format!("CITY#{id:06}")
}
