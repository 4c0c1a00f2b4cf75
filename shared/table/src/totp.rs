//! TOTP state on the user item (`totp_pending`, `totp_secret`,
//! `totp_last_step`, `recovery_codes`); each change is one conditional
//! `UpdateItem`. Using a code at login is part of the login transaction
//! (`SecondFactor` in `users::login_update`).

use super::item::{key, n, s};
use super::{keys, Store, StoreError};
use aws_sdk_dynamodb::types::{AttributeValue, Update};
use domain::audit::Event;
use domain::{Message, UserId};
use std::collections::HashMap;

/// The second factor a 2FA login spends, written with the login.
#[derive(Debug, Clone)]
pub enum SecondFactor {
    /// A TOTP code of this step: stored as the last step, only if newer.
    TotpStep(i64),
    /// A recovery code's hash: removed, only if still there.
    Recovery(String),
    /// A passkey's assertion: its new state written, only if its owner is
    /// the account and its counter is the one checked (`passkey_use.rs`).
    Passkey(crate::PasskeyUse),
}

fn conditional<E: aws_sdk_dynamodb::error::ProvideErrorMetadata>(e: &E) -> bool {
    e.code() == Some("ConditionalCheckFailedException")
}

impl Store {
    /// Stores a fresh secret as pending (replacing an older pending one);
    /// `false` when the user is gone.
    pub async fn set_totp_pending(&self, user: &UserId, secret: &str) -> Result<bool, StoreError> {
        let r = self
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(keys::user(user), keys::USER_SK)))
            .update_expression("SET totp_pending = :s")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":s", s(secret))
            .send()
            .await;
        match r {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(conditional) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Makes `pending` the active secret and turns 2FA on, with new
    /// recovery codes and `step` (the confirming code's) as spent. `false`
    /// when `pending` is no longer the pending secret (a newer setup won).
    pub async fn activate_totp(
        &self,
        user: &UserId,
        pending: &str,
        step: i64,
        recovery_hashes: &[String],
        notice: &Message,
        audit: &Event,
    ) -> Result<bool, StoreError> {
        let codes: HashMap<String, AttributeValue> = recovery_hashes
            .iter()
            .map(|h| (h.clone(), AttributeValue::Bool(true)))
            .collect();
        let update = Update::builder()
            .table_name(self.table())
            .set_key(Some(key(keys::user(user), keys::USER_SK)))
            .update_expression(
                "SET totp_secret = :s, totp_last_step = :step, recovery_codes = :codes, \
                 two_factor_enabled = :t, two_factor_since = :now REMOVE totp_pending",
            )
            .condition_expression("totp_pending = :s")
            // A new second factor forgets the devices remembered for the old.
            .expression_attribute_values(":now", n(domain::time::now_ms()))
            .expression_attribute_values(":s", s(pending))
            .expression_attribute_values(":step", n(step))
            .expression_attribute_values(":codes", AttributeValue::M(codes))
            .expression_attribute_values(":t", AttributeValue::Bool(true))
            .build()?;
        let audit = self.audit_put(user, audit)?;
        self.update_noting(update, notice, Some(audit)).await
    }

    /// Turns 2FA off and forgets every TOTP secret and recovery code;
    /// `false` when the user is gone.
    pub async fn disable_two_factor(
        &self,
        user: &UserId,
        notice: &Message,
        audit: &Event,
    ) -> Result<bool, StoreError> {
        let update = Update::builder()
            .table_name(self.table())
            .set_key(Some(key(keys::user(user), keys::USER_SK)))
            .update_expression(
                "SET two_factor_enabled = :f, two_factor_since = :now \
                 REMOVE totp_secret, totp_pending, totp_last_step, recovery_codes",
            )
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":now", n(domain::time::now_ms()))
            .expression_attribute_values(":f", AttributeValue::Bool(false))
            .build()?;
        let audit = self.audit_put(user, audit)?;
        self.update_noting(update, notice, Some(audit)).await
    }
}
