//! Social networks: the record (with its maintained counters), the unique
//! `key` sentinel, the id/count counter, and the dense positions that make
//! page-based listing a single range Query (docs/data-model.md).

use super::contention::{backoff, exhausted, failed, Step, ATTEMPTS};
use super::error::cancellation_codes;
use super::item::{from_item, key, n, s, to_item, Item};
use super::{keys, Store, StoreError};
use aws_sdk_dynamodb::types::{Delete, Put, ReturnValue, TransactWriteItem, Update};
use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The stored network. Counters (`users_count`, the monthly ones) change
/// only in the transactions of links, unlinks and authorizations.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NetworkRecord {
    pub id: u64,
    pub key: String,
    pub cooldown_time: u64,
    pub allow_to_register: bool,
    pub icon: String,
    pub enabled: bool,
    /// Credential name → value: the `keys` object of the request's settings.
    pub settings: BTreeMap<String, String>,
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
    pub settings: BTreeMap<String, String>,
}

/// A network as read, with this month's counters (UTC calendar month).
#[derive(Debug, Clone)]
pub struct Network {
    pub record: NetworkRecord,
    pub active_this_month: u64,
    pub registrations_this_month: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum NetworkWriteError {
    #[error("no such network")]
    NotFound,
    #[error("the key is taken by another network")]
    KeyTaken,
    #[error("the network has linked users")]
    HasUsers,
    /// The record changed between the read and the write: read again.
    #[error("the network changed meanwhile")]
    Changed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// `YYYYMM` of an instant: the suffix of the monthly counter attributes.
pub fn month_of(at: DateTime<Utc>) -> String {
    format!("{:04}{:02}", at.year(), at.month())
}

/// Monthly counters are top-level attributes (`ADD` creates them): users
/// active in the month, and registrations in the month.
pub(crate) fn active_attr(month: &str) -> String {
    format!("active_{month}")
}
pub(crate) fn registered_attr(month: &str) -> String {
    format!("registered_{month}")
}

fn counter_n(item: &Item, attr: &str) -> u64 {
    item.get(attr)
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse::<i64>().ok())
        .map_or(0, |v| v.max(0) as u64)
}

pub(crate) fn network_from_item(item: Item) -> Result<Network, StoreError> {
    let month = month_of(domain::time::now());
    let active_this_month = counter_n(&item, &active_attr(&month));
    let registrations_this_month = counter_n(&item, &registered_attr(&month));
    Ok(Network {
        record: from_item(item)?,
        active_this_month,
        registrations_this_month,
    })
}

fn network_item(record: &NetworkRecord) -> Result<Item, StoreError> {
    let mut item = to_item(record)?;
    item.extend(key(keys::network(record.id), keys::NETWORK_SK));
    item.insert("gsi1pk".into(), s(keys::NETWORKS));
    item.insert("gsi1sk".into(), s(keys::network_position(record.position)));
    Ok(item)
}

fn counter_key() -> Item {
    key(keys::counter("networks"), keys::COUNTER_SK)
}

/// The reads a delete decides on.
pub struct DeleteSnapshot {
    pub network: Option<Network>,
    pub counter: NetworkCounter,
    pub last: Option<NetworkRecord>,
}

/// The networks counter: the last id handed out and how many networks live.
#[derive(Debug, Clone, Copy, Default)]
pub struct NetworkCounter {
    pub last_id: u64,
    pub count: u64,
}

fn put(table: &str, item: Item, condition: &str) -> Result<TransactWriteItem, StoreError> {
    Ok(TransactWriteItem::builder()
        .put(
            Put::builder()
                .table_name(table)
                .set_item(Some(item))
                .condition_expression(condition)
                .build()?,
        )
        .build())
}

fn key_sentinel(table: &str, key_name: &str, id: u64) -> Result<TransactWriteItem, StoreError> {
    let mut item = key(keys::network_key(key_name), keys::SENTINEL_SK);
    item.insert("network_id".into(), n(id));
    put(table, item, "attribute_not_exists(pk)")
}

fn drop_key_sentinel(
    table: &str,
    key_name: &str,
    id: u64,
) -> Result<TransactWriteItem, StoreError> {
    Ok(TransactWriteItem::builder()
        .delete(
            Delete::builder()
                .table_name(table)
                .set_key(Some(key(keys::network_key(key_name), keys::SENTINEL_SK)))
                .condition_expression("network_id = :id")
                .expression_attribute_values(":id", n(id))
                .build()?,
        )
        .build())
}

impl Store {
    /// One network, strongly consistent, with this month's counters.
    pub async fn get_network(&self, id: u64) -> Result<Option<Network>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(self.table())
            .set_key(Some(key(keys::network(id), keys::NETWORK_SK)))
            .consistent_read(true)
            .send()
            .await?;
        out.item.map(network_from_item).transpose()
    }

    pub async fn network_counter(&self) -> Result<NetworkCounter, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(self.table())
            .set_key(Some(counter_key()))
            .consistent_read(true)
            .send()
            .await?;
        Ok(out
            .item
            .map_or_else(NetworkCounter::default, |i| NetworkCounter {
                last_id: counter_n(&i, "value"),
                count: counter_n(&i, "count"),
            }))
    }

    /// Networks at positions `first..=last` (one range Query on GSI1).
    pub async fn networks_at(
        &self,
        first: u64,
        last: u64,
    ) -> Result<Vec<NetworkRecord>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(self.table())
            .index_name(keys::GSI1)
            .key_condition_expression("gsi1pk = :p AND gsi1sk BETWEEN :a AND :b")
            .expression_attribute_values(":p", s(keys::NETWORKS))
            .expression_attribute_values(":a", s(keys::network_position(first)))
            .expression_attribute_values(":b", s(keys::network_position(last)))
            .send()
            .await?;
        out.items
            .unwrap_or_default()
            .into_iter()
            .map(from_item)
            .collect()
    }

    /// The network at the highest position (what a delete moves into the hole).
    async fn last_network(&self) -> Result<Option<NetworkRecord>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(self.table())
            .index_name(keys::GSI1)
            .key_condition_expression("gsi1pk = :p")
            .expression_attribute_values(":p", s(keys::NETWORKS))
            .scan_index_forward(false)
            .limit(1)
            .send()
            .await?;
        out.items
            .unwrap_or_default()
            .into_iter()
            .next()
            .map(from_item)
            .transpose()
    }

    /// Creates a network: the next id, the last position, the key sentinel
    /// and the counter move in one transaction, so a refused create (taken
    /// key) writes nothing, not even an id. `counter` is a fresh read.
    pub async fn create_network(
        &self,
        fields: &NetworkFields,
        mut counter: NetworkCounter,
    ) -> Result<NetworkRecord, NetworkWriteError> {
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                backoff(attempt).await;
                counter = self.network_counter().await?;
            }
            if let Step::Done(result) = self.try_create_network(fields, counter).await? {
                return result;
            }
        }
        Err(exhausted("create network").into())
    }

    async fn try_create_network(
        &self,
        fields: &NetworkFields,
        counter: NetworkCounter,
    ) -> Result<Step<Result<NetworkRecord, NetworkWriteError>>, StoreError> {
        let table = self.table();
        let record = NetworkRecord {
            id: counter.last_id + 1,
            key: fields.key.clone(),
            cooldown_time: fields.cooldown_time,
            allow_to_register: fields.allow_to_register,
            icon: fields.icon.clone(),
            enabled: fields.enabled,
            settings: fields.settings.clone(),
            users_count: 0,
            position: counter.count + 1,
            last_authorization: None,
            created_at: domain::time::now(),
        };
        let seen = if counter.last_id == 0 && counter.count == 0 {
            "attribute_not_exists(#value)"
        } else {
            "#value = :v AND #count = :c"
        };
        let bump = Update::builder()
            .table_name(table)
            .set_key(Some(counter_key()))
            .update_expression("SET #value = :v1, #count = :c1")
            .condition_expression(seen)
            .expression_attribute_names("#value", "value")
            .expression_attribute_names("#count", "count")
            .expression_attribute_values(":v1", n(record.id))
            .expression_attribute_values(":c1", n(record.position));
        let bump = if counter.last_id == 0 && counter.count == 0 {
            bump
        } else {
            bump.expression_attribute_values(":v", n(counter.last_id))
                .expression_attribute_values(":c", n(counter.count))
        };
        let result = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().update(bump.build()?).build())
            .transact_items(put(
                table,
                network_item(&record)?,
                "attribute_not_exists(pk)",
            )?)
            .transact_items(key_sentinel(table, &record.key, record.id)?)
            .send()
            .await;
        match result {
            Ok(_) => Ok(Step::Done(Ok(record))),
            Err(err) => match cancellation_codes(&err) {
                Some(codes) if failed(&codes, 2) => {
                    Ok(Step::Done(Err(NetworkWriteError::KeyTaken)))
                }
                Some(_) => Ok(Step::Retry),
                None => Err(err.into()),
            },
        }
    }

    /// Sets the fields of `current` (as read), moving the key sentinel when
    /// the key changes. `Changed` when the record moved on since the read.
    pub async fn update_network(
        &self,
        current: &NetworkRecord,
        fields: &NetworkFields,
    ) -> Result<NetworkRecord, NetworkWriteError> {
        let table = self.table();
        let update = Update::builder()
            .table_name(table)
            .set_key(Some(key(keys::network(current.id), keys::NETWORK_SK)))
            .update_expression(
                "SET #key = :key, cooldown_time = :cd, allow_to_register = :reg, \
                 icon = :icon, enabled = :en, settings = :settings",
            )
            .condition_expression("attribute_exists(pk) AND #key = :old")
            .expression_attribute_names("#key", "key")
            .expression_attribute_values(":key", s(&fields.key))
            .expression_attribute_values(":old", s(&current.key))
            .expression_attribute_values(":cd", n(fields.cooldown_time))
            .expression_attribute_values(
                ":reg",
                aws_sdk_dynamodb::types::AttributeValue::Bool(fields.allow_to_register),
            )
            .expression_attribute_values(":icon", s(&fields.icon))
            .expression_attribute_values(
                ":en",
                aws_sdk_dynamodb::types::AttributeValue::Bool(fields.enabled),
            )
            .expression_attribute_values(
                ":settings",
                serde_dynamo::to_attribute_value(&fields.settings)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            )
            .build()
            .map_err(StoreError::from)?;
        let mut req = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().update(update).build());
        let moves_key = fields.key != current.key;
        if moves_key {
            req = req
                .transact_items(drop_key_sentinel(table, &current.key, current.id)?)
                .transact_items(key_sentinel(table, &fields.key, current.id)?);
        }
        match req.send().await {
            Ok(_) => Ok(NetworkRecord {
                key: fields.key.clone(),
                cooldown_time: fields.cooldown_time,
                allow_to_register: fields.allow_to_register,
                icon: fields.icon.clone(),
                enabled: fields.enabled,
                settings: fields.settings.clone(),
                ..current.clone()
            }),
            Err(err) => match cancellation_codes(&err) {
                Some(codes) if moves_key && failed(&codes, 2) => Err(NetworkWriteError::KeyTaken),
                Some(_) => Err(NetworkWriteError::Changed),
                None => Err(StoreError::from(err).into()),
            },
        }
    }

    /// Flips `enabled`; the condition on the value read makes two racing
    /// toggles flip twice, not once.
    pub async fn toggle_network(
        &self,
        mut current: NetworkRecord,
    ) -> Result<NetworkRecord, NetworkWriteError> {
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                backoff(attempt).await;
                current = self
                    .get_network(current.id)
                    .await?
                    .ok_or(NetworkWriteError::NotFound)?
                    .record;
            }
            let result = self
                .client
                .update_item()
                .table_name(self.table())
                .set_key(Some(key(keys::network(current.id), keys::NETWORK_SK)))
                .update_expression("SET enabled = :new")
                .condition_expression("enabled = :old")
                .expression_attribute_values(
                    ":new",
                    aws_sdk_dynamodb::types::AttributeValue::Bool(!current.enabled),
                )
                .expression_attribute_values(
                    ":old",
                    aws_sdk_dynamodb::types::AttributeValue::Bool(current.enabled),
                )
                .return_values(ReturnValue::AllNew)
                .send()
                .await;
            match result {
                Ok(out) => {
                    let item = out
                        .attributes
                        .ok_or_else(|| StoreError::Corrupt("toggle returned nothing".into()))?;
                    return Ok(from_item(item)?);
                }
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|s| s.is_conditional_check_failed_exception()) => {}
                Err(e) => return Err(StoreError::from(e).into()),
            }
        }
        Err(exhausted("toggle network").into())
    }

    /// What a delete needs, read concurrently: the network, the counter and
    /// the network at the last position.
    pub async fn delete_snapshot(&self, id: u64) -> Result<DeleteSnapshot, StoreError> {
        let (network, counter, last) = tokio::join!(
            self.get_network(id),
            self.network_counter(),
            self.last_network()
        );
        Ok(DeleteSnapshot {
            network: network?,
            counter: counter?,
            last: last?,
        })
    }

    /// Deletes a network without linked users; the network at the last
    /// position moves into the freed one, so positions stay dense.
    pub async fn delete_network(
        &self,
        id: u64,
        mut snapshot: DeleteSnapshot,
    ) -> Result<(), NetworkWriteError> {
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                backoff(attempt).await;
                snapshot = self.delete_snapshot(id).await?;
            }
            let Some(network) = &snapshot.network else {
                return Err(NetworkWriteError::NotFound);
            };
            if network.record.users_count > 0 {
                return Err(NetworkWriteError::HasUsers);
            }
            if let Step::Done(()) = self
                .try_delete_network(&network.record, snapshot.counter, snapshot.last.clone())
                .await?
            {
                return Ok(());
            }
        }
        Err(exhausted("delete network").into())
    }

    async fn try_delete_network(
        &self,
        network: &NetworkRecord,
        counter: NetworkCounter,
        last: Option<NetworkRecord>,
    ) -> Result<Step<()>, StoreError> {
        let table = self.table();
        let (k, total) = (network.position, counter.count);
        let delete = Delete::builder()
            .table_name(table)
            .set_key(Some(key(keys::network(network.id), keys::NETWORK_SK)))
            .condition_expression("users_count = :zero AND #pos = :k")
            .expression_attribute_names("#pos", "position")
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":k", n(k))
            .build()?;
        let shrink = Update::builder()
            .table_name(table)
            .set_key(Some(counter_key()))
            .update_expression("SET #count = :c1")
            .condition_expression("#count = :c")
            .expression_attribute_names("#count", "count")
            .expression_attribute_values(":c", n(total))
            .expression_attribute_values(":c1", n(total.saturating_sub(1)))
            .build()?;
        let mut req = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().delete(delete).build())
            .transact_items(drop_key_sentinel(table, &network.key, network.id)?)
            .transact_items(TransactWriteItem::builder().update(shrink).build());
        if k != total {
            // The GSI read may lag: the conditions check it is really the last.
            let Some(last) = last.filter(|l| l.position == total && l.id != network.id) else {
                return Ok(Step::Retry);
            };
            let mv = Update::builder()
                .table_name(table)
                .set_key(Some(key(keys::network(last.id), keys::NETWORK_SK)))
                .update_expression("SET #pos = :k, gsi1sk = :ksk")
                .condition_expression("#pos = :n")
                .expression_attribute_names("#pos", "position")
                .expression_attribute_values(":k", n(k))
                .expression_attribute_values(":ksk", s(keys::network_position(k)))
                .expression_attribute_values(":n", n(total))
                .build()?;
            req = req.transact_items(TransactWriteItem::builder().update(mv).build());
        }
        match req.send().await {
            Ok(_) => Ok(Step::Done(())),
            Err(err) if cancellation_codes(&err).is_some() => Ok(Step::Retry),
            Err(err) => Err(err.into()),
        }
    }
}
