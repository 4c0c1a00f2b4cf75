//! Creating, updating, toggling and deleting networks. A create takes the
//! next id and the last position and a delete moves the last network into
//! the freed position, both conditioned on the counter as read, so ids stay
//! unique and positions dense under concurrency.

use super::network::network_item;
use super::shards::{tombstone, SHARDS};
use super::{keys, lost_race, put_new, retrying, NetworksStore};
use super::{Network, NetworkCounter, NetworkFields, NetworkRecord, NetworkWriteError};
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, ReturnValue, Update};
use table::contention::Step;
use table::item::{from_item, n, s};
use table::{StoreError, TxError};

/// The reads a delete decides on.
pub struct DeleteSnapshot {
    pub network: Option<Network>,
    pub counter: NetworkCounter,
    pub last: Option<NetworkRecord>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CreateTag {
    /// The counter moved on since the read: another create or delete won.
    Counter,
    /// A network holds the id already (the counter read was stale).
    Id,
    /// Another network has the key.
    Key,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UpdateTag {
    /// The record is gone or its key changed since the read.
    Record,
    /// The old key's sentinel is no longer this network's.
    OldKey,
    /// Another network has the new key.
    NewKey,
}

/// Every condition of a delete is on what was read (no users on the network
/// item nor its shards, the position, the counter, the last network's
/// position): a failure is a lost race.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DeleteTag {
    Record,
    Key,
    Counter,
    Moved,
}

/// The sentinel that makes `key_name` unique, for network `id`.
fn key_sentinel(table: &str, key_name: &str, id: u64) -> Result<Put, StoreError> {
    let mut item = keys::key_sentinel_key(key_name);
    item.insert("network_id".into(), n(id));
    put_new(table, item)
}

fn drop_key_sentinel(table: &str, key_name: &str, id: u64) -> Result<Delete, StoreError> {
    Ok(Delete::builder()
        .table_name(table)
        .set_key(Some(keys::key_sentinel_key(key_name)))
        .condition_expression("network_id = :id")
        .expression_attribute_values(":id", n(id))
        .build()?)
}

/// Hands out `record`'s id and position, if the counter is still as read.
fn counter_bump(
    table: &str,
    counter: NetworkCounter,
    record: &NetworkRecord,
) -> Result<Update, StoreError> {
    let bump = Update::builder()
        .table_name(table)
        .set_key(Some(keys::counter_key()))
        .update_expression("SET #value = :v1, #count = :c1")
        .expression_attribute_names("#value", "value")
        .expression_attribute_names("#count", "count")
        .expression_attribute_values(":v1", n(record.id))
        .expression_attribute_values(":c1", n(record.position));
    let bump = if counter.last_id == 0 && counter.count == 0 {
        bump.condition_expression("attribute_not_exists(#value)")
    } else {
        bump.condition_expression("#value = :v AND #count = :c")
            .expression_attribute_values(":v", n(counter.last_id))
            .expression_attribute_values(":c", n(counter.count))
    };
    Ok(bump.build()?)
}

fn new_record(fields: &NetworkFields, counter: NetworkCounter) -> NetworkRecord {
    fields.over(&NetworkRecord {
        id: counter.last_id + 1,
        position: counter.count + 1,
        created_at: domain::time::now(),
        ..NetworkRecord::default()
    })
}

/// Sets `fields` on the network read as `current`, if its key is unchanged.
fn fields_update(
    table: &str,
    current: &NetworkRecord,
    fields: &NetworkFields,
) -> Result<Update, StoreError> {
    let settings = table::item::to_item(&fields.settings)?;
    Ok(Update::builder()
        .table_name(table)
        .set_key(Some(keys::record_key(current.id)))
        .update_expression(
            "SET #key = :key, cooldown_time = :cd, allow_to_register = :reg, \
             icon = :icon, enabled = :en, settings = :settings",
        )
        .condition_expression("attribute_exists(pk) AND #key = :old")
        .expression_attribute_names("#key", "key")
        .expression_attribute_values(":key", s(&fields.key))
        .expression_attribute_values(":old", s(&current.key))
        .expression_attribute_values(":cd", n(fields.cooldown_time))
        .expression_attribute_values(":reg", AttributeValue::Bool(fields.allow_to_register))
        .expression_attribute_values(":icon", s(&fields.icon))
        .expression_attribute_values(":en", AttributeValue::Bool(fields.enabled))
        .expression_attribute_values(":settings", AttributeValue::M(settings))
        .build()?)
}

/// Moves the network at the last position `total` into position `k`.
fn move_last(table: &str, last: &NetworkRecord, k: u64, total: u64) -> Result<Update, StoreError> {
    Ok(Update::builder()
        .table_name(table)
        .set_key(Some(keys::record_key(last.id)))
        .update_expression("SET #pos = :k, gsi1sk = :ksk")
        .condition_expression("#pos = :n")
        .expression_attribute_names("#pos", "position")
        .expression_attribute_values(":k", n(k))
        .expression_attribute_values(":ksk", s(keys::network_position(k)))
        .expression_attribute_values(":n", n(total))
        .build()?)
}

impl NetworksStore<'_> {
    /// Creates a network: the next id, the last position, the key sentinel
    /// and the counter move in one transaction, so a refused create (taken
    /// key) writes nothing, not even an id. `counter` is a fresh read.
    pub async fn create_network(
        &self,
        fields: &NetworkFields,
        counter: NetworkCounter,
    ) -> Result<NetworkRecord, NetworkWriteError> {
        retrying(
            "create network",
            counter,
            || async { Ok(self.network_counter().await?) },
            |counter| self.try_create_network(fields, counter),
        )
        .await
    }

    async fn try_create_network(
        &self,
        fields: &NetworkFields,
        counter: NetworkCounter,
    ) -> Result<Step<NetworkRecord>, NetworkWriteError> {
        let table = self.name();
        let record = new_record(fields, counter);
        let result = self
            .table
            .transaction()
            .update_if(CreateTag::Counter, counter_bump(table, counter, &record)?)
            .put_if(CreateTag::Id, put_new(table, network_item(&record)?)?)
            .put_if(CreateTag::Key, key_sentinel(table, &record.key, record.id)?)
            .commit()
            .await;
        match result {
            Ok(()) => Ok(Step::Done(record)),
            Err(e) if e.failed(CreateTag::Key) => Err(NetworkWriteError::KeyTaken),
            Err(e) => lost_race(e),
        }
    }

    /// Sets the fields of `current` (as read), moving the key sentinel when
    /// the key changes. `Changed` when the record moved on since the read.
    pub async fn update_network(
        &self,
        current: &NetworkRecord,
        fields: &NetworkFields,
    ) -> Result<NetworkRecord, NetworkWriteError> {
        let table = self.name();
        let mut tx = self
            .table
            .transaction()
            .update_if(UpdateTag::Record, fields_update(table, current, fields)?);
        if fields.key != current.key {
            tx = tx
                .delete_if(
                    UpdateTag::OldKey,
                    drop_key_sentinel(table, &current.key, current.id)?,
                )
                .put_if(
                    UpdateTag::NewKey,
                    key_sentinel(table, &fields.key, current.id)?,
                );
        }
        match tx.commit().await {
            Ok(()) => Ok(fields.over(current)),
            Err(e) if e.failed(UpdateTag::NewKey) => Err(NetworkWriteError::KeyTaken),
            Err(TxError::Failed(_)) => Err(NetworkWriteError::Changed),
            Err(TxError::Store(e)) => Err(e.into()),
        }
    }

    /// Flips `enabled`; the condition on the value read makes two racing
    /// toggles flip twice, not once.
    pub async fn toggle_network(
        &self,
        current: NetworkRecord,
    ) -> Result<NetworkRecord, NetworkWriteError> {
        let id = current.id;
        retrying(
            "toggle network",
            current,
            || async move {
                match self.get_network(id).await? {
                    Some(network) => Ok(network.record),
                    None => Err(NetworkWriteError::NotFound),
                }
            },
            |current| async move { self.try_toggle(&current).await },
        )
        .await
    }

    async fn try_toggle(
        &self,
        current: &NetworkRecord,
    ) -> Result<Step<NetworkRecord>, NetworkWriteError> {
        let result = self
            .table
            .client()
            .update_item()
            .table_name(self.name())
            .set_key(Some(keys::record_key(current.id)))
            .update_expression("SET enabled = :new")
            .condition_expression("enabled = :old")
            .expression_attribute_values(":new", AttributeValue::Bool(!current.enabled))
            .expression_attribute_values(":old", AttributeValue::Bool(current.enabled))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(out) => {
                let item = out
                    .attributes
                    .ok_or_else(|| StoreError::Corrupt("toggle returned nothing".into()))?;
                Ok(Step::Done(from_item(item)?))
            }
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_conditional_check_failed_exception()) =>
            {
                Ok(Step::Retry)
            }
            Err(e) => Err(StoreError::from(e).into()),
        }
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
        snapshot: DeleteSnapshot,
    ) -> Result<(), NetworkWriteError> {
        retrying(
            "delete network",
            snapshot,
            || async move { Ok(self.delete_snapshot(id).await?) },
            |snapshot| async move {
                let network = snapshot
                    .network
                    .as_ref()
                    .ok_or(NetworkWriteError::NotFound)?;
                if network.users_count() > 0 {
                    return Err(NetworkWriteError::HasUsers);
                }
                let last = snapshot.last.as_ref();
                Ok(self
                    .try_delete_network(&network.record, snapshot.counter, last)
                    .await?)
            },
        )
        .await
    }
    async fn try_delete_network(
        &self,
        network: &NetworkRecord,
        counter: NetworkCounter,
        last: Option<&NetworkRecord>,
    ) -> Result<Step<()>, StoreError> {
        let table = self.name();
        let (k, total) = (network.position, counter.count);
        let delete = Delete::builder()
            .table_name(table)
            .set_key(Some(keys::record_key(network.id)))
            .condition_expression("users_count = :zero AND #pos = :k")
            .expression_attribute_names("#pos", "position")
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":k", n(k))
            .build()?;
        let shrink = Update::builder()
            .table_name(table)
            .set_key(Some(keys::counter_key()))
            .update_expression("SET #count = :c1")
            .condition_expression("#count = :c")
            .expression_attribute_names("#count", "count")
            .expression_attribute_values(":c", n(total))
            .expression_attribute_values(":c1", n(total.saturating_sub(1)))
            .build()?;
        let mut tx = self
            .table
            .transaction()
            .delete_if(DeleteTag::Record, delete);
        for k in 0..SHARDS {
            tx = tx.put_if(DeleteTag::Record, tombstone(table, network.id, k)?);
        }
        let mut tx = tx
            .delete_if(
                DeleteTag::Key,
                drop_key_sentinel(table, &network.key, network.id)?,
            )
            .update_if(DeleteTag::Counter, shrink);
        if k != total {
            // The GSI read may lag: the conditions check it is really the last.
            let Some(last) = last.filter(|l| l.position == total && l.id != network.id) else {
                return Ok(Step::Retry);
            };
            tx = tx.update_if(DeleteTag::Moved, move_last(table, last, k, total)?);
        }
        match tx.commit().await {
            Ok(()) => Ok(Step::Done(())),
            Err(e) => lost_race(e),
        }
    }
}
