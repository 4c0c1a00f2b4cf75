//! Social networks as stored: the record (with its maintained counters),
//! the id/count counter, and the reads of the networks list, which is one
//! range Query on the networks' dense positions.

use super::shards::{shard_counts, Allocator, ShardCounts, USERS};
use super::{first, keys, records, NetworksStore};
use crate::settings::StoredSettings;
use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};
use table::item::{from_item, s, to_item, Item};
use table::keys::GSI1;
use table::StoreError;

/// The stored network. Its counters (`users_count`, the monthly ones) are
/// the base the shards add to (shards.rs): links made before the shards,
/// moved only by their unlinks.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NetworkRecord {
    pub id: u64,
    pub key: String,
    pub cooldown_time: u64,
    pub allow_to_register: bool,
    pub icon: String,
    pub enabled: bool,
    /// Credential name → its sealed value and mask (settings.rs).
    pub settings: StoredSettings,
    pub users_count: u64,
    /// 1-based dense position in the networks list.
    pub position: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_authorization: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// What create and update set; the rest is the store's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkFields {
    pub key: String,
    pub cooldown_time: u64,
    pub allow_to_register: bool,
    pub icon: String,
    pub enabled: bool,
    pub settings: StoredSettings,
}

impl NetworkFields {
    /// `base` (id, position, counters, dates) with these fields.
    pub(super) fn over(&self, base: &NetworkRecord) -> NetworkRecord {
        NetworkRecord {
            key: self.key.clone(),
            cooldown_time: self.cooldown_time,
            allow_to_register: self.allow_to_register,
            icon: self.icon.clone(),
            enabled: self.enabled,
            settings: self.settings.clone(),
            ..base.clone()
        }
    }
}

/// A network as read with its shards, and this month's counters (UTC
/// calendar month) summed over both.
#[derive(Debug, Clone)]
pub struct Network {
    pub record: NetworkRecord,
    pub shards: Vec<ShardCounts>,
    pub active_this_month: u64,
    pub registrations_this_month: u64,
}

impl Network {
    /// Every linked user: the base and the shards.
    pub fn users_count(&self) -> u64 {
        self.counts().iter().sum()
    }

    /// Each allocator's count, in `Allocator::all()` order.
    pub fn counts(&self) -> Vec<u64> {
        Allocator::all().map(|a| self.count_of(a)).collect()
    }

    pub fn count_of(&self, allocator: Allocator) -> u64 {
        match allocator {
            Allocator::Base => self.record.users_count,
            Allocator::Shard(k) => self.shards.get(k as usize).map_or(0, |s| s.users),
        }
    }

    /// The latest authorization, wherever it was counted.
    pub fn last_authorization(&self) -> Option<DateTime<Utc>> {
        let shards = self.shards.iter().filter_map(|s| s.last_authorization);
        shards.chain(self.record.last_authorization).max()
    }
}

/// The networks counter: the last id handed out and how many networks live.
#[derive(Debug, Clone, Copy, Default)]
pub struct NetworkCounter {
    pub last_id: u64,
    pub count: u64,
}

/// `YYYYMM` of an instant: the suffix of the monthly counter attributes.
pub fn month_of(at: DateTime<Utc>) -> String {
    format!("{:04}{:02}", at.year(), at.month())
}

/// Monthly counters are top-level attributes (`ADD` creates them): users
/// active in the month, and registrations in the month.
pub(super) fn active_attr(month: &str) -> String {
    format!("active_{month}")
}
pub(super) fn registered_attr(month: &str) -> String {
    format!("registered_{month}")
}

fn signed_n(item: &Item, attr: &str) -> i64 {
    table::item::number(item, attr).unwrap_or(0)
}

fn counter_n(item: &Item, attr: &str) -> u64 {
    signed_n(item, attr).max(0) as u64
}

fn network_from_item(item: Item, shard_items: &[Item]) -> Result<Network, StoreError> {
    let month = month_of(domain::time::now());
    let active = signed_n(&item, &active_attr(&month));
    let registered = signed_n(&item, &registered_attr(&month));
    let record: NetworkRecord = from_item(item)?;
    let shards = shard_counts(record.id, shard_items, &month);
    let sum = |f: fn(&ShardCounts) -> i64| shards.iter().map(f).sum::<i64>();
    Ok(Network {
        active_this_month: (active + sum(|s| s.active)).max(0) as u64,
        registrations_this_month: (registered + sum(|s| s.registered)).max(0) as u64,
        record,
        shards,
    })
}

/// The record's item, listed in the networks list at its position.
pub(super) fn network_item(record: &NetworkRecord) -> Result<Item, StoreError> {
    let mut item = to_item(record)?;
    item.extend(keys::record_key(record.id));
    item.insert("gsi1pk".into(), s(keys::NETWORKS));
    item.insert("gsi1sk".into(), s(keys::network_position(record.position)));
    Ok(item)
}

impl NetworksStore<'_> {
    /// One item, strongly consistent, as stored (the counters are
    /// attributes no record type names).
    async fn get_item(&self, key: Item) -> Result<Option<Item>, StoreError> {
        let out = self
            .table
            .client()
            .get_item()
            .table_name(self.name())
            .set_key(Some(key))
            .consistent_read(true)
            .send()
            .await?;
        Ok(out.item)
    }

    /// One network's record without its shards (what a sign-in through
    /// it decides on), strongly consistent.
    pub async fn get_network_record(&self, id: u64) -> Result<Option<NetworkRecord>, StoreError> {
        let item = self.get_item(keys::record_key(id)).await?;
        item.map(from_item).transpose()
    }

    /// One network with its shards, strongly consistent, side by side.
    pub async fn get_network(&self, id: u64) -> Result<Option<Network>, StoreError> {
        let (item, shards) = tokio::join!(
            self.get_item(keys::record_key(id)),
            self.table.batch_get(USERS.keys(&id.to_string()))
        );
        let shards = shards?;
        item?.map(|i| network_from_item(i, &shards)).transpose()
    }

    pub async fn network_counter(&self) -> Result<NetworkCounter, StoreError> {
        let item = self.get_item(keys::counter_key()).await?;
        Ok(
            item.map_or_else(NetworkCounter::default, |i| NetworkCounter {
                last_id: counter_n(&i, "value"),
                count: counter_n(&i, "count"),
            }),
        )
    }

    /// Networks at positions `first..=last` (one range Query on GSI1).
    pub async fn networks_at(
        &self,
        first: u64,
        last: u64,
    ) -> Result<Vec<NetworkRecord>, StoreError> {
        let out = self
            .query()
            .index_name(GSI1)
            .key_condition_expression("gsi1pk = :p AND gsi1sk BETWEEN :a AND :b")
            .expression_attribute_values(":p", s(keys::NETWORKS))
            .expression_attribute_values(":a", s(keys::network_position(first)))
            .expression_attribute_values(":b", s(keys::network_position(last)))
            .send()
            .await?;
        records(out.items)
    }

    /// The network at the highest position (what a delete moves into the hole).
    pub(super) async fn last_network(&self) -> Result<Option<NetworkRecord>, StoreError> {
        let out = self
            .query()
            .index_name(GSI1)
            .key_condition_expression("gsi1pk = :p")
            .expression_attribute_values(":p", s(keys::NETWORKS))
            .scan_index_forward(false)
            .limit(1)
            .send()
            .await?;
        first(out.items)
    }
}
