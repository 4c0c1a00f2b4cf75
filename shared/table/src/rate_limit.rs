//! Fixed-window rate limits on the table: one counter item per scope,
//! subject and window, bumped by one conditional update (no read, no Scan).
//! The condition is the proof: the update that would pass `max` fails.

use super::item::{key, n};
use super::{keys, Store, StoreError};
use domain::opaque::hash_secret;

pub use domain::RateLimit;

impl Store {
    /// Counts a hit for `subject`; `false` when the window is full (the hit
    /// is then not counted). Subjects are hashed: addresses stay out of keys.
    pub async fn hit_rate_limit(
        &self,
        limit: &RateLimit,
        subject: &str,
    ) -> Result<bool, StoreError> {
        let now = domain::time::now_secs();
        let window = limit.window(now);
        let result = self
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(
                keys::rate_limit(limit.scope, &hash_secret(subject)),
                &keys::rate_window(window),
            )))
            .update_expression("ADD hits :one SET expires_at = :exp")
            .condition_expression("attribute_not_exists(hits) OR hits < :max")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":max", n(limit.max))
            .expression_attribute_values(":exp", n((window + 1) * limit.window_secs))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// One hit for `subject`, as an item of the caller's transaction (no
    /// condition: the caller read [`Store::rate_hits`] and decided).
    pub fn rate_bump(
        &self,
        limit: &RateLimit,
        subject: &str,
    ) -> Result<aws_sdk_dynamodb::types::Update, StoreError> {
        let window = limit.window(domain::time::now_secs());
        Ok(aws_sdk_dynamodb::types::Update::builder()
            .table_name(self.table())
            .set_key(Some(key(
                keys::rate_limit(limit.scope, &hash_secret(subject)),
                &keys::rate_window(window),
            )))
            .update_expression("ADD hits :one SET expires_at = :exp")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":exp", n((window + 1) * limit.window_secs))
            .build()?)
    }

    /// The hits `subject` has made in the current window, without counting
    /// one (a read beside a request's other first reads).
    pub async fn rate_hits(&self, limit: &RateLimit, subject: &str) -> Result<u32, StoreError> {
        let window = limit.window(domain::time::now_secs());
        let out = self
            .client
            .get_item()
            .table_name(self.table())
            .set_key(Some(key(
                keys::rate_limit(limit.scope, &hash_secret(subject)),
                &keys::rate_window(window),
            )))
            .consistent_read(true)
            .send()
            .await?;
        Ok(out
            .item
            .and_then(|i| i.get("hits").and_then(|v| v.as_n().ok()?.parse().ok()))
            .unwrap_or(0))
    }
}
