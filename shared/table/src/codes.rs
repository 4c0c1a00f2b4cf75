//! One-time codes as stored (rules in `domain::codes`): one slot per user
//! and purpose (`USER#id` / `CODE#purpose`), overwritten by the next code,
//! plus for self-identifying codes a pointer item named by the code's hash.
//! Redemption is in `code_redemption.rs`.

use super::item::{key, n, s, to_item};
use super::{keys, Store, StoreError};
use aws_sdk_dynamodb::types::Put;
use domain::codes::{Purpose, MAX_ATTEMPTS, TTL_SECS};
use domain::time;
use domain::UserId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CodeSlot {
    pub user_id: UserId,
    pub purpose: String,
    pub code_hash: String,
    /// Milliseconds.
    pub issued_at: i64,
    /// Seconds: the TTL attribute, and checked in code.
    pub expires_at: i64,
    #[serde(default)]
    pub attempts: u32,
    /// Purpose-specific: the new address of an email change, the rehashed
    /// password of a login waiting for its 2FA code.
    #[serde(default)]
    pub payload: Option<String>,
    /// 2FA: hash of the login challenge (`sessionHash`) the code belongs to.
    #[serde(default)]
    pub challenge_hash: Option<String>,
    /// 2FA: what proved the first factor when it was not the password
    /// (`fed`: a social network), for the sign-in's `amr`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_factor: Option<String>,
}

impl CodeSlot {
    pub fn new(user: &UserId, purpose: Purpose, code_hash: String) -> Self {
        let now = time::now_ms();
        Self {
            user_id: user.clone(),
            purpose: purpose.as_str().to_owned(),
            code_hash,
            issued_at: now,
            expires_at: now / 1000 + TTL_SECS,
            attempts: 0,
            payload: None,
            challenge_hash: None,
            first_factor: None,
        }
    }

    /// Not expired and not out of attempts.
    pub fn is_live(&self, now_secs: i64) -> bool {
        now_secs < self.expires_at && self.attempts < MAX_ATTEMPTS
    }
}

/// What a self-identifying code's hash names.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CodePointer {
    pub user_id: UserId,
    pub purpose: String,
    pub expires_at: i64,
    /// The slot's payload, so redemption needs no further read.
    #[serde(default)]
    pub payload: Option<String>,
}

impl CodePointer {
    pub fn purpose(&self) -> Option<Purpose> {
        Purpose::parse(&self.purpose)
    }
}

pub(crate) fn slot_key(user: &UserId, purpose: &str) -> super::item::Item {
    key(keys::user(user), &keys::code_slot(purpose))
}

pub(crate) fn rfc3339_now() -> String {
    time::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Store {
    /// The puts that store `slot` (replacing the user's previous code of
    /// that purpose) and, for a self-identifying code, its pointer.
    pub fn code_puts(&self, slot: &CodeSlot, with_pointer: bool) -> Result<Vec<Put>, StoreError> {
        let mut item = to_item(slot)?;
        item.extend(slot_key(&slot.user_id, &slot.purpose));
        let mut puts = vec![Put::builder()
            .table_name(self.table())
            .set_item(Some(item))
            .build()?];
        if with_pointer {
            let mut pointer = to_item(&CodePointer {
                user_id: slot.user_id.clone(),
                purpose: slot.purpose.clone(),
                expires_at: slot.expires_at,
                payload: slot.payload.clone(),
            })?;
            pointer.extend(key(keys::code_pointer(&slot.code_hash), keys::CODE_SK));
            puts.push(
                Put::builder()
                    .table_name(self.table())
                    .set_item(Some(pointer))
                    .build()?,
            );
        }
        Ok(puts)
    }

    /// Stores a code (one write). A previous code of the same purpose dies:
    /// its slot is overwritten, and its pointer no longer matches a slot.
    pub async fn put_code(&self, slot: &CodeSlot, with_pointer: bool) -> Result<(), StoreError> {
        self.put_code_noting(slot, with_pointer, None).await
    }

    /// `put_code`, and the message that carries the code queued in the
    /// same transaction: a code is stored if and only if its email goes.
    pub async fn put_code_noting(
        &self,
        slot: &CodeSlot,
        with_pointer: bool,
        message: Option<&domain::Message>,
    ) -> Result<(), StoreError> {
        let mut tx = self.transaction::<()>();
        for put in self.code_puts(slot, with_pointer)? {
            tx = tx.put(put);
        }
        if let Some(message) = message {
            tx = tx.put(self.outbox_put(message)?);
        }
        tx.commit().await.map_err(crate::TxError::into_store_error)
    }

    pub async fn get_code_pointer(
        &self,
        code_hash: &str,
    ) -> Result<Option<CodePointer>, StoreError> {
        self.get_record(key(keys::code_pointer(code_hash), keys::CODE_SK))
            .await
    }

    pub async fn get_code_slot(
        &self,
        user: &UserId,
        purpose: Purpose,
    ) -> Result<Option<CodeSlot>, StoreError> {
        self.get_record(slot_key(user, purpose.as_str())).await
    }

    /// Counts a wrong guess against the slot that holds `code_hash` (a
    /// newer code is left alone); the fifth kills it.
    pub async fn count_code_failure(
        &self,
        user: &UserId,
        purpose: Purpose,
        code_hash: &str,
    ) -> Result<(), StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(slot_key(user, purpose.as_str())))
            .update_expression("ADD attempts :one")
            .condition_expression("code_hash = :h")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":h", s(code_hash))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_conditional_check_failed_exception()) =>
            {
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_lives_ten_minutes_and_five_wrong_guesses() {
        let mut slot = CodeSlot::new(&UserId::generate(), Purpose::ResetPassword, "h".into());
        let now = slot.issued_at / 1000;
        assert!(slot.is_live(now));
        assert!(slot.is_live(now + TTL_SECS - 1));
        assert!(!slot.is_live(now + TTL_SECS));
        slot.attempts = MAX_ATTEMPTS - 1;
        assert!(slot.is_live(now));
        slot.attempts = MAX_ATTEMPTS;
        assert!(!slot.is_live(now));
    }
}
