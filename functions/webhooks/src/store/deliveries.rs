//! Deliveries: one item per (event, endpoint), keyed by its webhook-id so
//! a redelivered stream record finds it taken (a conditional put). While
//! due it sits on the sparse gsi1 partition `WEBHOOK_DUE` under the time
//! of its next attempt; failed for good, on `WEBHOOK_FAILED` under the
//! time it failed; delivered, on neither. Every change of state is
//! conditioned on the attempts seen, so two workers never both attempt.

use super::{conditional, ms_key, WebhooksStore};
use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};
use table::item::{from_item, key, n, s, to_item, Item};
use table::{Listing, PageOut, Position, StoreError};

pub const DELIVERY_SK: &str = "DELIVERY";
const DUE: &str = "WEBHOOK_DUE";
const FAILED: &str = "WEBHOOK_FAILED";
/// Deliveries are kept this long (the table's TTL), then vanish.
const KEEP_SECS: i64 = 30 * 24 * 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pending,
    Delivered,
    Failed,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeliveryRecord {
    /// The `webhook-id`.
    pub id: String,
    pub endpoint_id: String,
    pub event_type: String,
    /// The exact body every attempt sends.
    pub payload: String,
    pub status: Status,
    pub attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

pub fn delivery_pk(id: &str) -> String {
    format!("WEBHOOK_MSG#{id}")
}

fn deliveries_partition(endpoint: &str) -> String {
    format!("WEBHOOK_DELIVERIES#{endpoint}")
}

/// An endpoint's deliveries, oldest first.
pub fn listing(endpoint: &str) -> Listing {
    Listing {
        name: "webhook-deliveries",
        index: Some("gsi2"),
        partition: ("gsi2pk", deliveries_partition(endpoint)),
        sort: ("gsi2sk", String::new()),
    }
}

/// What an attempt came to.
pub struct Settled<'a> {
    pub status: Status,
    pub next_attempt_at: Option<i64>,
    pub last_status: Option<u16>,
    pub last_error: Option<&'a str>,
}

impl WebhooksStore<'_> {
    /// Writes a new delivery, due at `due_ms`; `false` when it exists (the
    /// record was delivered to us before).
    pub async fn put_delivery(&self, d: &DeliveryRecord, due_ms: i64) -> Result<bool, StoreError> {
        let mut item: Item = to_item(d)?;
        item.extend(key(delivery_pk(&d.id), DELIVERY_SK));
        item.insert("gsi1pk".into(), s(DUE));
        item.insert("gsi1sk".into(), s(ms_key(due_ms, &d.id)));
        item.insert("gsi2pk".into(), s(deliveries_partition(&d.endpoint_id)));
        item.insert("gsi2sk".into(), s(format!("{}#{}", d.created_at, d.id)));
        item.insert(
            table::schema::TTL_ATTRIBUTE.into(),
            n(domain::time::now_ms() / 1000 + KEEP_SECS),
        );
        let put = self
            .client()
            .put_item()
            .table_name(self.name())
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        conditional(put)
    }

    pub async fn delivery(&self, id: &str) -> Result<Option<DeliveryRecord>, StoreError> {
        let out = self
            .client()
            .get_item()
            .table_name(self.name())
            .set_key(Some(key(delivery_pk(id), DELIVERY_SK)))
            .send()
            .await?;
        out.item.map(from_item).transpose()
    }

    /// Takes a due delivery for one attempt: pushes its next attempt to
    /// `lease_ms` (what a crashed attempt waits) if no one else took it.
    pub async fn claim(&self, d: &DeliveryRecord, lease_ms: i64) -> Result<bool, StoreError> {
        let update = self
            .client()
            .update_item()
            .table_name(self.name())
            .set_key(Some(key(delivery_pk(&d.id), DELIVERY_SK)))
            .update_expression("SET gsi1sk = :due, next_attempt_at = :at")
            .condition_expression("#status = :pending AND attempts = :seen")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":due", s(ms_key(lease_ms, &d.id)))
            .expression_attribute_values(":at", n(lease_ms))
            .expression_attribute_values(":pending", s("pending"))
            .expression_attribute_values(":seen", n(d.attempts))
            .send()
            .await;
        conditional(update)
    }

    /// Records an attempt of `d` (taken with `attempts` as read).
    pub async fn settle(&self, d: &DeliveryRecord, out: &Settled<'_>) -> Result<bool, StoreError> {
        let now = domain::time::now_ms();
        let index = match (out.status, out.next_attempt_at) {
            (Status::Pending, Some(at)) => Some((DUE, ms_key(at, &d.id))),
            (Status::Failed, _) => Some((FAILED, ms_key(now, &d.id))),
            _ => None,
        };
        let mut set = vec![
            "#status = :status",
            "attempts = :attempts",
            "updated_at = :now",
        ];
        let mut remove = vec![];
        let mut values = vec![
            (":status", s(status_name(out.status))),
            (":attempts", n(d.attempts + 1)),
            (":now", s(crate::iso_now())),
            (":seen", n(d.attempts)),
        ];
        let mut optional =
            |name: &'static str, placeholder: &'static str, v: Option<AttributeValue>| match v {
                Some(v) => {
                    set.push(name);
                    values.push((placeholder, v));
                }
                None => remove.push(name.split(' ').next().unwrap_or(name)),
            };
        optional(
            "next_attempt_at = :next",
            ":next",
            out.next_attempt_at.map(n),
        );
        optional("last_status = :code", ":code", out.last_status.map(n));
        optional("last_error = :error", ":error", out.last_error.map(s));
        match &index {
            Some((partition, sort)) => {
                optional("gsi1pk = :gpk", ":gpk", Some(s(*partition)));
                optional("gsi1sk = :gsk", ":gsk", Some(s(sort.clone())));
            }
            None => remove.extend(["gsi1pk", "gsi1sk"]),
        }
        let mut expression = format!("SET {}", set.join(", "));
        if !remove.is_empty() {
            expression.push_str(&format!(" REMOVE {}", remove.join(", ")));
        }
        let update = self
            .client()
            .update_item()
            .table_name(self.name())
            .set_key(Some(key(delivery_pk(&d.id), DELIVERY_SK)))
            .update_expression(expression)
            .condition_expression("attempts = :seen")
            .expression_attribute_names("#status", "status")
            .set_expression_attribute_values(Some(
                values.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            ))
            .send()
            .await;
        conditional(update)
    }

    /// Puts a delivery back in line for an attempt now, from the start of
    /// its schedule (replay); `false` if there is no such delivery.
    pub async fn requeue(&self, id: &str) -> Result<bool, StoreError> {
        let now = domain::time::now_ms();
        let update = self
            .client()
            .update_item()
            .table_name(self.name())
            .set_key(Some(key(delivery_pk(id), DELIVERY_SK)))
            .update_expression(
                "SET #status = :pending, attempts = :zero, next_attempt_at = :now, \
                 gsi1pk = :due, gsi1sk = :at, updated_at = :iso",
            )
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":pending", s("pending"))
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":due", s(DUE))
            .expression_attribute_values(":at", s(ms_key(now, id)))
            .expression_attribute_values(":iso", s(crate::iso_now()))
            .send()
            .await;
        conditional(update)
    }

    /// Deliveries due by `now_ms`, oldest first.
    pub async fn due(&self, now_ms: i64, limit: i32) -> Result<Vec<DeliveryRecord>, StoreError> {
        self.on_partition(DUE, "gsi1sk <= :t", ms_key(now_ms, "~"), limit)
            .await
    }

    /// Deliveries that failed for good since `since_ms`, oldest first.
    pub async fn failed_since(
        &self,
        since_ms: i64,
        limit: i32,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        self.on_partition(FAILED, "gsi1sk >= :t", ms_key(since_ms, ""), limit)
            .await
    }

    async fn on_partition(
        &self,
        partition: &str,
        condition: &str,
        bound: String,
        limit: i32,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        let out = self
            .client()
            .query()
            .table_name(self.name())
            .index_name("gsi1")
            .key_condition_expression(format!("gsi1pk = :p AND {condition}"))
            .expression_attribute_values(":p", s(partition))
            .expression_attribute_values(":t", s(bound))
            .limit(limit)
            .send()
            .await?;
        out.items
            .unwrap_or_default()
            .into_iter()
            .map(from_item)
            .collect()
    }

    pub async fn deliveries_page(
        &self,
        endpoint: &str,
        limit: usize,
        at: Option<&Position>,
    ) -> Result<PageOut, StoreError> {
        self.table.page(&listing(endpoint), limit, at).await
    }
}

fn status_name(status: Status) -> &'static str {
    match status {
        Status::Pending => "pending",
        Status::Delivered => "delivered",
        Status::Failed => "failed",
    }
}
