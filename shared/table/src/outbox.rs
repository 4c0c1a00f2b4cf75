//! The outbox: a message written in the same transaction as the state change
//! that must send it, delivered by the notifier from the table's stream.
//! The notifier marks an item sent (or failed) with a conditional write, so
//! a redelivered stream record never sends twice; the only window for a
//! duplicate is a crash between SES accepting and the mark.

use super::item::{key, n, s, to_item};
use super::{keys, Store, StoreError, TxError};
use aws_sdk_dynamodb::types::{AttributeValue, Put, Update};
use chrono::{DateTime, Utc};
use domain::{Message, MessageOwner};
use serde::{Deserialize, Serialize};

/// How long a delivered (or failed) item stays readable before TTL.
pub const KEEP_SECS: i64 = 7 * 24 * 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxStatus {
    Pending,
    Sent,
    Failed,
}

impl OutboxStatus {
    fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "pending",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutboxItem {
    pub id: String,
    pub message: Message,
    pub status: OutboxStatus,
    pub created_at: DateTime<Utc>,
    /// Why delivery failed for good.
    #[serde(default)]
    pub failure: Option<String>,
}

impl OutboxItem {
    pub fn new(message: Message) -> Self {
        Self {
            id: hex::encode(rand::random::<[u8; 16]>()),
            message,
            status: OutboxStatus::Pending,
            created_at: domain::time::now(),
            failure: None,
        }
    }
}

/// Settling erases the template data: it may hold a one-time code, which
/// must not outlive its delivery in the table; forgets the recipient (the
/// item must not name anyone once its work is done: an account deletion
/// could not find it); and takes the item out of the pending index.
const ERASE_DATA: &str =
    "SET #status = :status, expires_at = :expires, message.#data = :empty, message.#to = :nobody";
const LEAVE_PENDING_INDEX: &str = "REMOVE gsi1pk, gsi1sk, message.#user";

/// Shards of the pending index (by the id's first hex digit), so a burst
/// of messages spreads over as many index partitions.
const PENDING_SHARDS: [char; 16] = [
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f',
];

/// What a mark found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marked {
    Done,
    /// The item was not pending any more: another delivery got there first.
    AlreadySettled,
}

impl Store {
    /// The write that queues `message`, for the caller's transaction. The
    /// key is 128 random bits: the put needs no condition.
    pub fn outbox_put(&self, message: &Message) -> Result<Put, StoreError> {
        let item = OutboxItem::new(message.clone());
        let mut attributes = to_item(&item)?;
        attributes.extend(key(keys::outbox(&item.id), keys::OUTBOX_SK));
        // Sparse: only while pending, so the sweep finds what the stream missed.
        let shard = item.id.chars().next().unwrap_or('0');
        attributes.insert("gsi1pk".into(), s(keys::outbox_pending(shard)));
        attributes.insert(
            "gsi1sk".into(),
            s(format!(
                "{:015}#{}",
                item.created_at.timestamp_millis(),
                item.id
            )),
        );
        Ok(Put::builder()
            .table_name(self.table())
            .set_item(Some(attributes))
            .build()?)
    }

    /// Queues a message on its own (one write), for sends that go with no
    /// state change (a notice to an address that has no account).
    pub async fn queue_message(&self, message: &Message) -> Result<(), StoreError> {
        self.put_alone(self.outbox_put(message)?).await
    }

    /// A transaction's unconditioned put, written on its own (`PutItem`).
    pub(crate) async fn put_alone(&self, put: Put) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(self.table())
            .set_item(Some(put.item))
            .send()
            .await?;
        Ok(())
    }

    /// Queues `message` (if any) in a transaction of `width` items: the
    /// put, and checks that write nothing (on fresh random keys) for the
    /// rest. For a path that must cost what its twin costs, so that timing
    /// does not tell the two apart (a reset code for an address with no
    /// account against one with an account: docs/security.md).
    pub async fn queue_message_padded(
        &self,
        message: Option<&Message>,
        width: usize,
    ) -> Result<(), StoreError> {
        self.write_padded(
            message.map(|m| self.outbox_put(m)).transpose()?,
            None,
            width,
        )
        .await
    }

    /// `put` and `update` (if any) in a transaction padded to `width` items
    /// with checks that write nothing (see [`Store::queue_message_padded`]).
    pub async fn write_padded(
        &self,
        put: Option<Put>,
        update: Option<Update>,
        width: usize,
    ) -> Result<(), StoreError> {
        #[derive(Debug, Clone, Copy, PartialEq)]
        enum Padding {
            Fresh,
        }
        let mut tx = self.transaction();
        if let Some(put) = put {
            tx = tx.put(put);
        }
        if let Some(update) = update {
            tx = tx.update(update);
        }
        while tx.len() < width.max(1) {
            let fresh = hex::encode(rand::random::<[u8; 16]>());
            tx = tx.check(
                Padding::Fresh,
                aws_sdk_dynamodb::types::ConditionCheck::builder()
                    .table_name(self.table())
                    .set_key(Some(key(keys::outbox(&fresh), keys::OUTBOX_SK)))
                    .condition_expression("attribute_not_exists(pk)")
                    .build()?,
            );
        }
        tx.commit().await.map_err(crate::TxError::into_store_error)
    }

    /// Applies `update`, queues `notice` and puts `audit` (a security
    /// event's item) in one transaction: all or none. `false` when the
    /// update's condition failed.
    pub async fn update_noting(
        &self,
        update: Update,
        notice: &Message,
        audit: Option<Put>,
    ) -> Result<bool, StoreError> {
        #[derive(Debug, Clone, Copy, PartialEq)]
        enum Noting {
            Condition,
        }
        let tx = self.transaction();
        let tx = match update.condition_expression() {
            Some(_) => tx.update_if(Noting::Condition, update),
            None => tx.update(update),
        };
        let tx = match audit {
            Some(put) => tx.put(put),
            None => tx,
        };
        match tx.put(self.outbox_put(notice)?).commit().await {
            Ok(()) => Ok(true),
            Err(TxError::Failed(_)) => Ok(false),
            Err(TxError::Store(e)) => Err(e),
        }
    }

    /// Items still pending that were queued before `before_ms`, oldest
    /// first per shard, at most `limit` per shard: what the stream did not
    /// deliver (a trimmed stream, a dead-lettered batch, a restart).
    pub async fn pending_outbox(
        &self,
        before_ms: i64,
        limit: i32,
    ) -> Result<Vec<OutboxItem>, StoreError> {
        let queries = PENDING_SHARDS.iter().map(|shard| {
            self.client
                .query()
                .table_name(self.table())
                .index_name("gsi1")
                .key_condition_expression("gsi1pk = :p AND gsi1sk < :before")
                .expression_attribute_values(":p", s(keys::outbox_pending(*shard)))
                .expression_attribute_values(":before", s(format!("{before_ms:015}")))
                .limit(limit)
                .send()
        });
        let mut items = Vec::new();
        for out in futures::future::join_all(queries).await {
            for item in out?.items.unwrap_or_default() {
                items.push(crate::item::from_item(item)?);
            }
        }
        Ok(items)
    }

    pub async fn get_outbox_item(&self, id: &str) -> Result<Option<OutboxItem>, StoreError> {
        self.get_record(key(keys::outbox(id), keys::OUTBOX_SK))
            .await
    }

    /// Pending → sent (or failed, with `failure`); the item then expires.
    /// Then the message's owner follows: `sent`, or `invalid` on failure.
    pub async fn settle_outbox_item(
        &self,
        item: &OutboxItem,
        failure: Option<&str>,
    ) -> Result<Marked, StoreError> {
        let status = match failure {
            None => OutboxStatus::Sent,
            Some(_) => OutboxStatus::Failed,
        };
        let mut update = self
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(keys::outbox(&item.id), keys::OUTBOX_SK)))
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":pending", s(OutboxStatus::Pending.as_str()))
            .expression_attribute_values(":status", s(status.as_str()))
            .expression_attribute_names("#data", "data")
            .expression_attribute_values(":empty", AttributeValue::M(Default::default()))
            .expression_attribute_names("#to", "to")
            .expression_attribute_names("#user", "user")
            .expression_attribute_values(":nobody", s(""))
            .expression_attribute_values(":expires", n(domain::time::now_secs() + KEEP_SECS));
        update = match failure {
            None => update.update_expression(format!("{ERASE_DATA} {LEAVE_PENDING_INDEX}")),
            Some(reason) => update
                .update_expression(format!(
                    "{ERASE_DATA}, failure = :why {LEAVE_PENDING_INDEX}"
                ))
                .expression_attribute_values(":why", s(reason)),
        };
        match update.send().await {
            Ok(_) => {}
            Err(e) if is_condition_failure(&e) => return Ok(Marked::AlreadySettled),
            Err(e) => return Err(e.into()),
        }
        if let Some(owner) = &item.message.owner {
            let owner_status = if failure.is_some() { "invalid" } else { "sent" };
            self.follow_delivery(owner, owner_status).await?;
        }
        Ok(Marked::Done)
    }

    /// The owner's `status` moves to `sent` / `invalid` only from a state
    /// that waits for delivery (`created`, `processed`): an owner used,
    /// deleted or gone meanwhile is left alone.
    async fn follow_delivery(&self, owner: &MessageOwner, status: &str) -> Result<(), StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(owner.pk.clone(), &owner.sk)))
            .update_expression("SET #status = :status")
            .condition_expression("#status IN (:created, :processed)")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":status", s(status))
            .expression_attribute_values(":created", s("created"))
            .expression_attribute_values(":processed", s("processed"))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_condition_failure(&e) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

fn is_condition_failure<E: aws_sdk_dynamodb::error::ProvideErrorMetadata, R>(
    e: &aws_sdk_dynamodb::error::SdkError<E, R>,
) -> bool {
    e.as_service_error()
        .and_then(|s| s.code())
        .is_some_and(|c| c == "ConditionalCheckFailedException")
}
