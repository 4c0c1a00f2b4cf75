//! Statistics counters: `APPSTATS#<shard>` items holding `sex_*`,
//! `birth_<year>` and `cat_*` counts. A change adds its deltas to one
//! random shard inside the transaction of the change that causes it; a
//! read sums every shard (one BatchGetItem). A shard may hold a negative
//! count (a user counted on one shard, uncounted on another); the sums
//! are exact.

use super::{keys, AppStore};
use crate::stats::Totals;
use aws_sdk_dynamodb::types::Update;
use std::collections::BTreeMap;
use table::item::{key, n};
use table::StoreError;

impl AppStore<'_> {
    /// The counters' update for `delta` (nothing when it is all zero).
    pub fn stats_update(
        &self,
        delta: &BTreeMap<String, i64>,
    ) -> Result<Option<Update>, StoreError> {
        let changes: Vec<(&String, &i64)> = delta.iter().filter(|(_, d)| **d != 0).collect();
        if changes.is_empty() {
            return Ok(None);
        }
        let shard = rand::random::<u32>() % keys::STATS_SHARDS;
        let mut update = Update::builder()
            .table_name(self.name())
            .set_key(Some(key(keys::stats_shard(shard), keys::STATS_SK)));
        let mut adds = Vec::new();
        for (i, (name, by)) in changes.into_iter().enumerate() {
            adds.push(format!("#a{i} :v{i}"));
            update = update
                .expression_attribute_names(format!("#a{i}"), name.clone())
                .expression_attribute_values(format!(":v{i}"), n(by));
        }
        Ok(Some(
            update
                .update_expression(format!("ADD {}", adds.join(", ")))
                .build()?,
        ))
    }

    /// Every counter summed over the shards (one BatchGetItem; unprocessed
    /// keys, rare, are asked again).
    pub async fn stats_totals(&self) -> Result<Totals, StoreError> {
        let shards = (0..keys::STATS_SHARDS)
            .map(|s| key(keys::stats_shard(s), keys::STATS_SK))
            .collect();
        let mut totals = Totals::new();
        for item in self.table.batch_get(shards).await? {
            for (name, value) in item {
                if let Ok(v) = value.as_n() {
                    *totals.entry(name).or_default() += v.parse::<i64>().unwrap_or(0);
                }
            }
        }
        Ok(totals)
    }
}
