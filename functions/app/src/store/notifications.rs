//! The notification history: `USER#<id>` / `NOTIF#<id, 16 digits>` items
//! in the user's own partition, so a Query pages them newest first and a
//! mark-read can only name the caller's own. Integer ids are time-ordered
//! (milliseconds × 1000 + 3 random digits: unique under the put's
//! condition, below 2^53 so JSON clients read them exactly). `total` is
//! the user item's `notifications_total`, kept in the send transaction.

use super::{keys, session_dead, AppStore};
use aws_sdk_dynamodb::types::{AttributeValue, Put, Update};
use chrono::{DateTime, Utc};
use domain::{Error, User, UserId};
use serde::{Deserialize, Serialize};
use table::guard::Holder;
use table::item::{from_item, key, n, put_new, s, to_item};
use table::{keys as table_keys, StoreError, TokenRecord, TxError};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NotificationRecord {
    pub id: u64,
    pub user_id: u64,
    pub title: String,
    pub message: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub read: bool,
    pub created_at: DateTime<Utc>,
    /// A JSON object, kept as its text.
    #[serde(default)]
    pub data: Option<String>,
    /// The hash of the secret of its email's unsubscribe token (an emailed
    /// notification one can turn off; `unsubscribe.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsubscribe_hash: Option<String>,
}

impl NotificationRecord {
    pub fn new_id() -> u64 {
        domain::time::now_ms() as u64 * 1000 + rand::random::<u64>() % 1000
    }
}

pub struct HistoryPage {
    pub items: Vec<NotificationRecord>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tag {
    Collision,
    UserGone,
    Session,
    Missing(u64),
}

impl AppStore<'_> {
    /// Stores the notification and, when `email` is given, queues it, in
    /// one transaction with the user's `notifications_total`.
    pub async fn send_notification(
        &self,
        user: &User,
        record: &NotificationRecord,
        email: Option<Put>,
    ) -> Result<(), Error> {
        let mut item = to_item(record)?;
        item.extend(key(
            table_keys::user(&user.id),
            &keys::notification(record.id),
        ));
        let total = Update::builder()
            .table_name(self.name())
            .set_key(Some(key(table_keys::user(&user.id), table_keys::USER_SK)))
            .update_expression("ADD notifications_total :one")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":one", n(1))
            .build()
            .map_err(StoreError::from)?;
        let mut tx = self
            .table
            .transaction::<Tag>()
            .put_if(Tag::Collision, put_new(self.name(), item)?)
            .update_if(Tag::UserGone, total);
        if let Some(put) = email {
            tx = tx.put(put);
        }
        match tx.commit().await {
            Ok(()) => Ok(()),
            Err(e) if e.failed(Tag::UserGone) => Err(crate::error::user_not_found()),
            Err(e) => Err(e.into_store_error().into()),
        }
    }

    /// The first `upto` notifications, newest first (one Query; more only
    /// past 1 MB of history).
    pub async fn history(&self, user: &UserId, upto: i32) -> Result<HistoryPage, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .table
                .client()
                .query()
                .table_name(self.name())
                .key_condition_expression("pk = :p AND begins_with(sk, :n)")
                .expression_attribute_values(":p", s(table_keys::user(user)))
                .expression_attribute_values(":n", s(keys::NOTIFICATION_PREFIX))
                .scan_index_forward(false)
                .limit(upto - items.len() as i32)
                .set_exclusive_start_key(start)
                .send()
                .await?;
            for item in out.items.unwrap_or_default() {
                items.push(from_item(item)?);
            }
            start = out.last_evaluated_key;
            if start.is_none() || items.len() as i32 >= upto {
                return Ok(HistoryPage { items });
            }
        }
    }

    /// Marks the caller's own notifications read, guarded by the session;
    /// an id that is not theirs is a 404 naming it.
    pub async fn mark_read(&self, session: &TokenRecord, ids: &[u64]) -> Result<(), Error> {
        let user = table_keys::user(&session.user_id);
        let check = Holder::of(session).check(self.name(), None).build()?;
        let mut tx = self.table.transaction::<Tag>().check(Tag::Session, check);
        for id in ids {
            let update = Update::builder()
                .table_name(self.name())
                .set_key(Some(key(user.clone(), &keys::notification(*id))))
                .update_expression("SET #read = :t")
                .condition_expression("attribute_exists(pk)")
                .expression_attribute_names("#read", "read")
                .expression_attribute_values(":t", AttributeValue::Bool(true))
                .build()
                .map_err(StoreError::from)?;
            tx = tx.update_if(Tag::Missing(*id), update);
        }
        match tx.commit().await {
            Ok(()) => Ok(()),
            Err(e) if e.failed(Tag::Session) => Err(session_dead()),
            Err(TxError::Failed(tags)) => {
                let id = tags.iter().find_map(|t| match t {
                    Tag::Missing(id) => Some(*id),
                    _ => None,
                });
                Err(Error::not_found(format!(
                    "no notification {} for this user",
                    id.unwrap_or_default()
                ))
                .on("ids"))
            }
            Err(TxError::Store(e)) => Err(e.into()),
        }
    }
}
