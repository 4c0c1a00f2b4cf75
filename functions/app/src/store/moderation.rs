//! Operator and backend switches on a user: ban (with the revocation
//! stamp in the same write) and the operator-only superuser flag, each
//! with its security event in the same transaction.

use super::AppStore;
use aws_sdk_dynamodb::types::{AttributeValue, Update};
use domain::audit::{Actor, Event, Kind};
use domain::UserId;
use table::item::{key, n, s};
use table::{keys as table_keys, StoreError};

impl AppStore<'_> {
    /// Bans or unbans. A ban also moves `tokens_valid_after`: every token
    /// of every kind dies on its next use. `false`: no such user.
    pub async fn set_banned(
        &self,
        user: &UserId,
        banned: bool,
        reason: Option<&str>,
        actor: Actor,
    ) -> Result<bool, StoreError> {
        let mut update = Update::builder()
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
        // The reason is the moderator's words about the user: kept on the
        // user item, not copied into the log.
        let kind = if banned { Kind::Banned } else { Kind::Unbanned };
        let event = Event::new(kind, actor);
        self.table
            .update_recording(update.build()?, user, &event)
            .await
    }
}

/// Sets the operator-only `is_superuser` flag; `false`: no such user.
impl AppStore<'_> {
    pub async fn set_superuser(&self, user: &UserId, on: bool) -> Result<bool, StoreError> {
        let update = Update::builder()
            .table_name(self.name())
            .set_key(Some(key(table_keys::user(user), table_keys::USER_SK)))
            .update_expression("SET is_superuser = :on")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":on", AttributeValue::Bool(on))
            .build()?;
        let event = Event::by_operator(Kind::SuperuserChanged).with("superuser", on.to_string());
        self.table.update_recording(update, user, &event).await
    }
}
