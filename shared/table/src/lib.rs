//! The one DynamoDB table: key layout, item mapping, transactions, and the
//! records that two or more surfaces share (users, tokens, codes, OAuth,
//! API keys, signing keys, rate limits). A surface's own access patterns
//! live in its function crate (`functions/<surface>/src/store/`).
//! docs/data-model.md lists every pattern. No Scan on any request path.

mod api_keys;
pub mod audit;
pub mod aws;
mod code_redemption;
mod codes;
mod consents;
pub mod contention;
mod cursor;
mod devices;
pub mod erasure;
mod error;
mod errors_out;
pub mod guard;
pub mod https;
pub mod item;
pub mod keys;
pub mod lifecycle;
mod logins;
pub mod network_signins;
mod oauth;
mod oauth_clients;
mod outbox;
mod page;
mod passkey_use;
mod profile;
mod rate_limit;
pub mod schema;
pub mod search_index;
pub mod sharded;
pub mod signed;
mod signing_keys;
mod suppression;
mod tokens;
mod totp;
mod transaction;
mod user_lookup;
mod users;

pub use api_keys::{ApiKeyRecord, RevokeApiKeyError};
pub use audit::AuditRecord;
pub use code_redemption::{CodeEffect, RedeemError, Redemption};
pub use codes::{CodePointer, CodeSlot};
pub use consents::Consent;
pub use cursor::{InvalidCursor, Listing, Position, MAX_CURSOR_CHARS};
pub use devices::DeviceRecord;
pub use error::StoreError;
pub use errors_out::{email_taken, username_taken};
pub use item::{from_item, to_item};
pub use logins::{LoginWrite, LoginWriteError};
pub use oauth::{AuthCode, GrantWriteError, RefreshFamily, Rotation, SignInFacts};
pub use oauth_clients::{ClientType, OAuthClient};
pub use outbox::{Marked, OutboxItem, OutboxStatus, KEEP_SECS as OUTBOX_KEEP_SECS};
pub use page::PageOut;
pub use passkey_use::PasskeyUse;
pub use profile::{ProfileChanges, ProfileUpdateError, UserFlag};
pub use rate_limit::RateLimit;
pub use signing_keys::{KeyStatus, SigningKeyRecord};
pub use suppression::Suppression;
pub use tokens::{ListedToken, TokenRecord};
pub use totp::SecondFactor;
pub use transaction::{Transaction, TxError};
pub use users::{CreateUserError, GuardedWriteError, ModeratorGuard, Page};

use aws_sdk_dynamodb::Client;
use std::sync::Arc;

#[derive(Clone)]
pub struct Store {
    client: Client,
    table: Arc<str>,
}

impl Store {
    pub fn new(client: Client, table: impl Into<Arc<str>>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// The store of `table` through a client of `sdk` (built once per cold
    /// start by each function's main).
    pub fn connect(sdk: &aws::SdkConfig, table: impl Into<Arc<str>>) -> Self {
        Self::new(Client::new(sdk), table)
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// One item by its key, strongly consistent, as `T`: the read behind
    /// every "get by id / by hash" of the store, and of the surfaces' own
    /// stores (`functions/<surface>/src/store/`).
    pub async fn get_record<T: serde::de::DeserializeOwned>(
        &self,
        key: std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>,
    ) -> Result<Option<T>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(self.table())
            .set_key(Some(key))
            .consistent_read(true)
            .send()
            .await?;
        out.item.map(from_item).transpose()
    }

    /// Every item of one partition, strongly consistent, as `T`, paged
    /// through: the read behind the small whole-partition lists (API keys,
    /// signing keys, a session's grants, the places catalogue).
    pub async fn partition_records<T: serde::de::DeserializeOwned>(
        &self,
        pk: String,
    ) -> Result<Vec<T>, StoreError> {
        self.prefix_records(pk, "").await
    }

    /// Every item of one partition whose sort key starts with `sk_prefix`
    /// (all of them for ""), as [`partition_records`](Self::partition_records).
    pub async fn prefix_records<T: serde::de::DeserializeOwned>(
        &self,
        pk: String,
        sk_prefix: &str,
    ) -> Result<Vec<T>, StoreError> {
        use aws_sdk_dynamodb::types::AttributeValue;
        let mut records = Vec::new();
        let mut start = None;
        loop {
            let mut query = self
                .client
                .query()
                .table_name(self.table())
                .expression_attribute_values(":p", AttributeValue::S(pk.clone()));
            query = if sk_prefix.is_empty() {
                query.key_condition_expression("pk = :p")
            } else {
                query
                    .key_condition_expression("pk = :p AND begins_with(sk, :s)")
                    .expression_attribute_values(":s", AttributeValue::S(sk_prefix.to_owned()))
            };
            let out = query
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await?;
            for item in out.items.unwrap_or_default() {
                records.push(from_item(item)?);
            }
            start = out.last_evaluated_key;
            if start.is_none() {
                return Ok(records);
            }
        }
    }
}

impl Store {
    /// Many items by key, strongly consistent, in BatchGetItem calls of at
    /// most 100 keys (run side by side). Keys DynamoDB leaves unprocessed
    /// (throttling) are asked again with backoff, a bounded number of
    /// times; then a passing failure. Missing items are simply absent.
    pub async fn batch_get(&self, keys: Vec<item::Item>) -> Result<Vec<item::Item>, StoreError> {
        let chunks = keys.chunks(100).map(|c| self.batch_get_chunk(c.to_vec()));
        let found = futures::future::try_join_all(chunks).await?;
        Ok(found.into_iter().flatten().collect())
    }

    async fn batch_get_chunk(&self, keys: Vec<item::Item>) -> Result<Vec<item::Item>, StoreError> {
        let mut found = Vec::new();
        let mut pending = keys;
        for attempt in 1..=contention::ATTEMPTS {
            if pending.is_empty() {
                return Ok(found);
            }
            let request = aws_sdk_dynamodb::types::KeysAndAttributes::builder()
                .set_keys(Some(std::mem::take(&mut pending)))
                .consistent_read(true)
                .build()?;
            let out = self
                .client
                .batch_get_item()
                .request_items(self.table(), request)
                .send()
                .await?;
            found.extend(
                out.responses
                    .and_then(|mut r| r.remove(self.table()))
                    .unwrap_or_default(),
            );
            pending = out
                .unprocessed_keys
                .and_then(|mut u| u.remove(self.table()))
                .map(|k| k.keys)
                .unwrap_or_default();
            if !pending.is_empty() {
                contention::backoff(attempt).await;
            }
        }
        Err(contention::exhausted("batch read"))
    }
}
