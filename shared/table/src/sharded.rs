//! Counters a crowd updates (an account's followers, a site's members):
//! spread over `shards` items, each under a partition key of its own
//! (`<PREFIX>#<owner>#<shard>` / `COUNT`), so concurrent transactions that
//! count one owner touch different items (no transaction conflict) on
//! different partitions (no hot partition). A change `ADD`s its delta to one
//! random shard inside the transaction of the change; a read sums the
//! shards (one BatchGetItem for any number of owners, beside the owner's
//! own read). A shard may go negative (counted in on one shard, out on
//! another); the sum is exact. The owner item's old attribute, written
//! before the shards existed, is the base every sum adds to
//! (docs/decisions.md, "Sharded counters").

use super::item::{key, n, s, Item};
use super::{Store, StoreError};
use aws_sdk_dynamodb::types::Update;
use std::collections::HashMap;

/// Sort key of every shard item.
pub const SHARD_SK: &str = "COUNT";

/// One family of sharded counters.
#[derive(Debug, Clone, Copy)]
pub struct Sharded {
    prefix: &'static str,
    shards: u32,
}

impl Sharded {
    pub const fn new(prefix: &'static str, shards: u32) -> Self {
        Self { prefix, shards }
    }

    pub fn shards(&self) -> u32 {
        self.shards
    }

    /// The partition key of shard `shard` of `owner` (other items of the
    /// shard, as a network's users list slots, may share it).
    pub fn partition(&self, owner: &str, shard: u32) -> String {
        format!("{}#{owner}#{shard}", self.prefix)
    }

    /// The key of shard `shard` of `owner`.
    pub fn key(&self, owner: &str, shard: u32) -> Item {
        key(self.partition(owner, shard), SHARD_SK)
    }

    /// Every shard key of `owner`.
    pub fn keys(&self, owner: &str) -> Vec<Item> {
        (0..self.shards).map(|i| self.key(owner, i)).collect()
    }

    /// A shard picked at random: where one change counts.
    pub fn random_shard(&self) -> u32 {
        rand::random::<u32>() % self.shards
    }

    /// `ADD` each `(attribute, delta)` on shard `shard` of `owner` (the
    /// item appears on first use and names its owner, for the read's sums).
    pub fn add_on(
        &self,
        table: &str,
        owner: &str,
        shard: u32,
        deltas: &[(&str, i64)],
    ) -> aws_sdk_dynamodb::types::builders::UpdateBuilder {
        let mut update = Update::builder()
            .table_name(table)
            .set_key(Some(self.key(owner, shard)))
            .expression_attribute_values(":owner", s(owner));
        let mut adds = Vec::new();
        for (i, (name, by)) in deltas.iter().enumerate() {
            adds.push(format!("#a{i} :v{i}"));
            update = update
                .expression_attribute_names(format!("#a{i}"), *name)
                .expression_attribute_values(format!(":v{i}"), n(by));
        }
        update
            .update_expression(format!("SET #owner = :owner ADD {}", adds.join(", ")))
            .expression_attribute_names("#owner", "owner")
    }

    /// `ADD delta` to `attribute` on a random shard of `owner`.
    pub fn add(
        &self,
        table: &str,
        owner: &str,
        attribute: &str,
        delta: i64,
    ) -> Result<Update, StoreError> {
        Ok(self
            .add_on(table, owner, self.random_shard(), &[(attribute, delta)])
            .build()?)
    }

    /// `attribute` summed over the shards of each owner (owners without a
    /// shard are absent: zero). One BatchGetItem per 100 shard keys, side
    /// by side.
    pub async fn totals(
        &self,
        store: &Store,
        owners: &[&str],
        attribute: &str,
    ) -> Result<HashMap<String, i64>, StoreError> {
        let mut unique: Vec<&str> = owners.to_vec();
        unique.sort_unstable();
        unique.dedup();
        let keys = unique.iter().flat_map(|o| self.keys(o)).collect();
        Ok(sum(store.batch_get(keys).await?, attribute))
    }
}

/// `attribute` of shard items summed by their owner.
pub fn sum(items: Vec<Item>, attribute: &str) -> HashMap<String, i64> {
    let mut totals = HashMap::new();
    for item in items {
        let owner = item.get("owner").and_then(|v| v.as_s().ok());
        let value = super::item::number(&item, attribute);
        if let (Some(owner), Some(value)) = (owner, value) {
            *totals.entry(owner.clone()).or_default() += value;
        }
    }
    totals
}

/// A stored base count plus its shards' sum, never below zero.
pub fn total(base: u64, shards: Option<&i64>) -> u64 {
    (base as i64 + shards.copied().unwrap_or(0)).max(0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_sum_by_owner_and_add_to_the_base() {
        let family = Sharded::new("X", 4);
        assert_eq!(family.keys("a").len(), 4);
        assert_eq!(family.key("a", 3)["pk"].as_s().unwrap(), "X#a#3");
        let shard =
            |owner: &str, v: i64| Item::from([("owner".into(), s(owner)), ("c".into(), n(v))]);
        let totals = sum(vec![shard("a", 2), shard("a", -1), shard("b", 5)], "c");
        assert_eq!(totals["a"], 1);
        assert_eq!(total(3, totals.get("a")), 4);
        assert_eq!(total(0, Some(&-2)), 0);
        assert_eq!(total(7, None), 7);
    }
}
