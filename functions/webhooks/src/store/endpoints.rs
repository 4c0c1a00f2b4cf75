//! Endpoints: one item each, the signing secret sealed (purpose `webhook`),
//! during a rotation's grace period the previous secret too.

use super::{conditional, WebhooksStore};
use aws_sdk_dynamodb::types::AttributeValue;
use domain::sealed::Sealed;
use serde::{Deserialize, Serialize};
use table::item::{from_item, key, s, to_item, Item};
use table::{Listing, PageOut, Position, StoreError};

pub const ENDPOINT_SK: &str = "ENDPOINT";
const LIST_PARTITION: &str = "WEBHOOKS";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EndpointRecord {
    pub id: String,
    pub url: String,
    /// Subscribed event types (`*`: all of them).
    pub events: Vec<String>,
    pub enabled: bool,
    #[serde(default)]
    pub description: String,
    pub secret: Sealed,
    /// The secret before the last rotation, honoured until `previous_until`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_secret: Option<Sealed>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_until: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
}

impl EndpointRecord {
    pub fn wants(&self, event_type: &str) -> bool {
        self.enabled && self.events.iter().any(|e| e == "*" || e == event_type)
    }

    fn item(&self) -> Result<Item, StoreError> {
        let mut item = to_item(self)?;
        item.extend(key(endpoint_pk(&self.id), ENDPOINT_SK));
        item.insert("gsi1pk".into(), s(LIST_PARTITION));
        item.insert(
            "gsi1sk".into(),
            s(format!("{}#{}", self.created_at, self.id)),
        );
        Ok(item)
    }
}

pub fn endpoint_pk(id: &str) -> String {
    format!("WEBHOOK#{id}")
}

/// The endpoints' list, oldest first.
pub fn listing() -> Listing {
    Listing {
        name: "webhooks",
        index: Some("gsi1"),
        partition: ("gsi1pk", LIST_PARTITION.to_owned()),
        sort: ("gsi1sk", String::new()),
    }
}

impl WebhooksStore<'_> {
    /// A new endpoint; `false` if the id was taken (never in practice).
    pub async fn create_endpoint(&self, record: &EndpointRecord) -> Result<bool, StoreError> {
        let put = self
            .client()
            .put_item()
            .table_name(self.name())
            .set_item(Some(record.item()?))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        conditional(put)
    }

    /// Replaces an endpoint that still exists; `false` if it is gone.
    pub async fn save_endpoint(&self, record: &EndpointRecord) -> Result<bool, StoreError> {
        let put = self
            .client()
            .put_item()
            .table_name(self.name())
            .set_item(Some(record.item()?))
            .condition_expression("attribute_exists(pk)")
            .send()
            .await;
        conditional(put)
    }

    pub async fn endpoint(&self, id: &str) -> Result<Option<EndpointRecord>, StoreError> {
        let out = self
            .client()
            .get_item()
            .table_name(self.name())
            .set_key(Some(key(endpoint_pk(id), ENDPOINT_SK)))
            .send()
            .await?;
        out.item.map(from_item).transpose()
    }

    /// `false` if there was no such endpoint. Its deliveries stay (they
    /// expire by TTL) and fail if retried.
    pub async fn delete_endpoint(&self, id: &str) -> Result<bool, StoreError> {
        let delete = self
            .client()
            .delete_item()
            .table_name(self.name())
            .set_key(Some(key(endpoint_pk(id), ENDPOINT_SK)))
            .condition_expression("attribute_exists(pk)")
            .send()
            .await;
        conditional(delete)
    }

    pub async fn endpoints_page(
        &self,
        limit: usize,
        at: Option<&Position>,
    ) -> Result<PageOut, StoreError> {
        self.table.page(&listing(), limit, at).await
    }

    /// Every endpoint (an operator registers a handful): the stream's
    /// fan-out reads them all, a page at a time.
    pub async fn all_endpoints(&self) -> Result<Vec<EndpointRecord>, StoreError> {
        let mut all = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .client()
                .query()
                .table_name(self.name())
                .index_name("gsi1")
                .key_condition_expression("gsi1pk = :p")
                .expression_attribute_values(":p", AttributeValue::S(LIST_PARTITION.into()))
                .set_exclusive_start_key(start.take())
                .send()
                .await?;
            for item in out.items.unwrap_or_default() {
                all.push(from_item(item)?);
            }
            match out.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok(all),
            }
        }
    }
}
