//! A passkey answering a sign-in's second factor: its new state (counter,
//! flags, last use) is written by the transaction that completes the
//! sign-in, conditioned on its owner and on the counter it was checked
//! against, so of two assertions racing on one counter exactly one wins.
//! (The credential item is `functions/passkeys`' `PasskeyRecord`.)

use super::item::{key, n, s};
use super::{keys, StoreError};
use aws_sdk_dynamodb::types::{AttributeValue, Update};
use domain::UserId;

/// A verified assertion's effect on its credential.
#[derive(Debug, Clone)]
pub struct PasskeyUse {
    /// The credential id (base64url).
    pub id: String,
    /// Whose it is, as stored when it was read.
    pub owner: UserId,
    /// The passkey's name, for the security log and notices.
    pub name: String,
    /// `DynamicState` as `webauthn_rp` encodes it (base64url).
    pub dynamic_state: String,
    pub sign_count: u32,
    /// The counter the assertion was checked against.
    pub previous_count: u32,
    pub backed_up: bool,
}

impl PasskeyUse {
    /// The credential's update, failing unless it is still `owner`'s with
    /// the counter checked.
    pub(crate) fn update(&self, table: &str) -> Result<Update, StoreError> {
        Ok(Update::builder()
            .table_name(table)
            .set_key(Some(key(keys::passkey(&self.id), keys::PASSKEY_SK)))
            .update_expression(
                "SET dynamic_state = :d, sign_count = :c, backed_up = :b, last_used_ms = :t",
            )
            .condition_expression("#u = :u AND sign_count = :prev")
            .expression_attribute_names("#u", "user")
            .expression_attribute_values(":u", s(self.owner.as_str()))
            .expression_attribute_values(":d", s(&self.dynamic_state))
            .expression_attribute_values(":c", n(self.sign_count))
            .expression_attribute_values(":b", AttributeValue::Bool(self.backed_up))
            .expression_attribute_values(":t", n(domain::time::now_ms()))
            .expression_attribute_values(":prev", n(self.previous_count))
            .build()?)
    }
}
