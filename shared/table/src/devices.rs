//! Devices that signed in before (OWASP's device cookie): an opaque token
//! the browser or app keeps, stored only as its hash (`DEVICE#<hash>` /
//! `DEVICE`). A device of the account has its own failure budget, so a
//! stranger's guesses elsewhere never lock it out (`domain::lockout`).

use super::item::{key, n, to_item};
use super::{keys, Store, StoreError};
use aws_sdk_dynamodb::types::Put;
use domain::UserId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeviceRecord {
    pub user_id: UserId,
    /// Consecutive failed sign-ins on this device.
    #[serde(default)]
    pub failures: u32,
    /// Untrusted until this instant (ms) after too many failures.
    #[serde(default)]
    pub locked_until: Option<i64>,
    /// Milliseconds.
    pub last_sign_in: i64,
    /// Seconds: the TTL attribute, and checked in code.
    pub expires_at: i64,
    /// When its user answered the second factor here asking to be
    /// remembered (ms): `identity::gate` skips the second factor for 30
    /// days from then, unless the account voided its tokens or turned 2FA
    /// off or on since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_factor_at: Option<i64>,
}

impl DeviceRecord {
    /// A device of `user` that just signed in.
    pub fn signed_in(user: &UserId, now_ms: i64, ttl_secs: i64) -> Self {
        Self {
            user_id: user.clone(),
            failures: 0,
            locked_until: None,
            last_sign_in: now_ms,
            expires_at: now_ms / 1000 + ttl_secs,
            second_factor_at: None,
        }
    }

    /// Whether the device still speaks for `user` at `now_ms`.
    pub fn trusted_for(&self, user: &UserId, now_ms: i64) -> bool {
        self.user_id == *user
            && now_ms / 1000 < self.expires_at
            && self.locked_until.is_none_or(|until| until <= now_ms)
    }
}

fn device_key(hash: &str) -> super::item::Item {
    key(keys::device(hash), keys::DEVICE_SK)
}

impl Store {
    /// The device a presented token names (strongly consistent).
    pub async fn get_device(&self, hash: &str) -> Result<Option<DeviceRecord>, StoreError> {
        self.get_record(device_key(hash)).await
    }

    /// The device as one write of a completed sign-in (a new device, or
    /// the same one with its failures cleared and its life renewed).
    pub(crate) fn device_put(&self, hash: &str, record: &DeviceRecord) -> Result<Put, StoreError> {
        let mut item = to_item(record)?;
        item.extend(device_key(hash));
        // A user's devices, for the deletion cascade.
        item.insert(
            "gsi2pk".into(),
            super::item::s(keys::user_devices(&record.user_id)),
        );
        item.insert("gsi2sk".into(), super::item::s(hash));
        Ok(Put::builder()
            .table_name(self.table())
            .set_item(Some(item))
            .build()?)
    }

    /// Counts a failed sign-in on a trusted device, untrusting it until
    /// `locked_until` when given.
    pub async fn record_device_failure(
        &self,
        hash: &str,
        locked_until: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut req = self
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(device_key(hash)))
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":one", n(1));
        req = match locked_until {
            Some(until) => req
                .update_expression("ADD failures :one SET locked_until = :until")
                .expression_attribute_values(":until", n(until)),
            None => req.update_expression("ADD failures :one"),
        };
        match req.send().await {
            Ok(_) => Ok(()),
            // Gone meanwhile (expired, or its user deleted): nothing to count.
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
    fn trusted_only_for_its_user_while_alive_and_unlocked() {
        let me = UserId::generate();
        let mut d = DeviceRecord::signed_in(&me, 1_000_000, 1000);
        assert!(d.trusted_for(&me, 1_000_000));
        assert!(!d.trusted_for(&UserId::generate(), 1_000_000));
        assert!(!d.trusted_for(&me, 1_000_000 + 1_000_000));
        d.locked_until = Some(1_500_000);
        assert!(!d.trusted_for(&me, 1_200_000));
        assert!(d.trusted_for(&me, 1_500_000));
    }
}
