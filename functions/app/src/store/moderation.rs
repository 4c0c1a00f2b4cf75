//! Operator and backend switches on a user: ban (with the revocation
//! stamp in the same write) and the operator-only superuser flag.

use super::AppStore;
use aws_sdk_dynamodb::types::AttributeValue;
use domain::UserId;
use table::item::{key, n, s};
use table::{keys as table_keys, StoreError};

fn is_condition_failure<E: aws_sdk_dynamodb::error::ProvideErrorMetadata>(e: &E) -> bool {
    e.code() == Some("ConditionalCheckFailedException")
}

impl AppStore<'_> {
    /// Bans or unbans. A ban also moves `tokens_valid_after`: every token
    /// of every kind dies on its next use. `false`: no such user.
    pub async fn set_banned(
        &self,
        user: &UserId,
        banned: bool,
        reason: Option<&str>,
    ) -> Result<bool, StoreError> {
        let mut update = self
            .table
            .client()
            .update_item()
            .table_name(self.name())
            .set_key(Some(key(table_keys::user(user), table_keys::USER_SK)))
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":b", AttributeValue::Bool(banned));
        update = match (banned, reason) {
            (true, reason) => update
                .update_expression("SET banned = :b, ban_reason = :r, tokens_valid_after = :t")
                .expression_attribute_values(":r", s(reason.unwrap_or_default()))
                .expression_attribute_values(":t", n(domain::time::now_ms() + 1)),
            (false, _) => update.update_expression("SET banned = :b REMOVE ban_reason"),
        };
        match update.send().await {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(is_condition_failure) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}

/// Sets the operator-only `is_superuser` flag; `false`: no such user.
impl AppStore<'_> {
    pub async fn set_superuser(&self, user: &UserId, on: bool) -> Result<bool, StoreError> {
        let result = self
            .table
            .client()
            .update_item()
            .table_name(self.name())
            .set_key(Some(key(table_keys::user(user), table_keys::USER_SK)))
            .update_expression("SET is_superuser = :on")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":on", AttributeValue::Bool(on))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(is_condition_failure) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}
