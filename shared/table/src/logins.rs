//! Logins as stored: failures and lockouts on the user item, and a
//! completed login (token issued, failures cleared, `last_login`, a rehash)
//! as one transaction conditioned on the user's tokens still being valid.

use super::guard::Holder;
use super::item::{key, n, s};
use super::{keys, DeviceRecord, SecondFactor, Store, StoreError, TokenRecord, TxError};
use aws_sdk_dynamodb::types::Update;
use domain::audit::{Event, Kind};
use domain::UserId;

impl Store {
    /// Counts a failed login and sets the lockout that follows from it.
    pub async fn record_login_failure(
        &self,
        user: &UserId,
        locked_until: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut req = self
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(keys::user(user), keys::USER_SK)))
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":one", n(1));
        req = match locked_until {
            Some(until) => req
                .update_expression("ADD failed_logins :one SET locked_until = :until")
                .expression_attribute_values(":until", n(until)),
            None => req.update_expression("ADD failed_logins :one"),
        };
        req.send().await?;
        Ok(())
    }

    /// Lifts a lockout (the operator CLI's `user unlock`): the failure
    /// count back to zero, no `locked_until`, and the operator's event in
    /// the same write. `false`: no such user.
    pub async fn clear_lockout(&self, user: &UserId) -> Result<bool, StoreError> {
        let update = Update::builder()
            .table_name(self.table())
            .set_key(Some(key(keys::user(user), keys::USER_SK)))
            .condition_expression("attribute_exists(pk)")
            .update_expression("SET failed_logins = :zero REMOVE locked_until")
            .expression_attribute_values(":zero", n(0))
            .build()?;
        let event = Event::by_operator(Kind::Unlocked);
        self.update_recording(update, user, &event).await
    }

    /// A successful login: issues the token and, in the same transaction,
    /// clears the failure count, stamps `last_login`, stores a rehashed
    /// password when the parameters changed, spends the second factor it
    /// used and renews the device it came from. `LoginVoided` when the user
    /// was deleted, banned, logged out everywhere or given another password
    /// since the proof was checked (`checked_hash` is the hash the password
    /// was verified against: a user read from an index may be a moment
    /// stale), or the factor was spent meanwhile: the caller answers as for
    /// bad credentials, never a 500.
    pub async fn complete_login(&self, login: &LoginWrite<'_>) -> Result<(), LoginWriteError> {
        #[derive(Debug, Clone, Copy, PartialEq)]
        enum Login {
            StillValid,
            FreshToken,
        }
        let table = self.table();
        let proof = Proof {
            valid_since: login.token.1.issued_at,
            checked_hash: Some(login.checked_hash),
            second: login.second,
        };
        let update = login_update(table, login.user, login.rehash, &proof)?;
        let mut tx = self
            .transaction()
            .update_if(Login::StillValid, update)
            .put_if(Login::FreshToken, login.token.1.put(table, login.token.0)?)
            .put(self.device_put(login.device.0, login.device.1)?);
        for put in self.audit_puts(login.user, login.audit)? {
            tx = tx.put(put);
        }
        match tx.commit().await {
            Ok(()) => Ok(()),
            Err(e) if e.failed(Login::StillValid) => Err(LoginWriteError::Voided),
            Err(TxError::Failed(_)) => {
                Err(StoreError::Unavailable("token collision".into()).into())
            }
            Err(TxError::Store(e)) => Err(e.into()),
        }
    }
}

/// What a completed login writes.
pub struct LoginWrite<'a> {
    pub user: &'a UserId,
    /// The password hash the password was verified against.
    pub checked_hash: &'a str,
    /// The new token's hash and record.
    pub token: (&'a str, &'a TokenRecord),
    /// A new hash of the same password (parameters changed).
    pub rehash: Option<&'a str>,
    /// A TOTP step or recovery code this login spends.
    pub second: Option<&'a SecondFactor>,
    /// The device's token hash and record (new or renewed).
    pub device: (&'a str, &'a DeviceRecord),
    /// The security events the login records (the sign-in, a new device).
    pub audit: &'a [domain::audit::Event],
}

/// Why a completed login was not written.
#[derive(Debug, thiserror::Error)]
pub enum LoginWriteError {
    /// The user is gone, or voided their tokens after the proof was checked.
    #[error("the user changed since the login was checked")]
    Voided,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a login proved, and when.
pub(crate) struct Proof<'a> {
    /// When the proof was checked (ms): the password, or the 2FA challenge.
    pub valid_since: i64,
    /// The password hash the password was verified against.
    pub checked_hash: Option<&'a str>,
    /// A second factor this login spends.
    pub second: Option<&'a SecondFactor>,
}

/// The user-item half of a successful login (also used when a 2FA code
/// completes one): clears the failure count and lockout, stamps
/// `last_login`, stores a rehashed password when there is one. Should the
/// user's tokens have been voided after the proof (a reset, logout-all, a
/// ban), the account be banned, or the password differ from the one
/// checked, the login fails instead of minting a session the void misses,
/// and a stale rehash of an old password is never written.
pub(crate) fn login_update(
    table: &str,
    user: &UserId,
    rehash: Option<&str>,
    proof: &Proof<'_>,
) -> Result<Update, StoreError> {
    let now = domain::time::now();
    let mut set = "SET failed_logins = :zero, last_login = :now".to_owned();
    let mut condition = Vec::new();
    let mut remove = "REMOVE locked_until".to_owned();
    let mut update = Update::builder()
        .table_name(table)
        .expression_attribute_values(":zero", n(0))
        .expression_attribute_values(
            ":now",
            s(now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
        );
    if let Some(hash) = rehash {
        set.push_str(", password_hash = :hash");
        update = update.expression_attribute_values(":hash", s(hash));
    }
    if let Some(hash) = proof.checked_hash {
        condition.push("password_hash = :checked");
        update = update.expression_attribute_values(":checked", s(hash));
    }
    // The factor is spent by this same write: its condition is the proof
    // that one login, and only one, used it.
    match proof.second {
        Some(SecondFactor::TotpStep(step)) => {
            set.push_str(", totp_last_step = :step");
            condition.push(
                "attribute_exists(totp_secret) \
                 AND (attribute_not_exists(totp_last_step) OR totp_last_step < :step)",
            );
            update = update.expression_attribute_values(":step", n(*step));
        }
        Some(SecondFactor::Recovery(hash)) => {
            remove.push_str(", recovery_codes.#rc");
            condition.push("attribute_exists(recovery_codes.#rc)");
            update = update.expression_attribute_names("#rc", hash);
        }
        // Spent on its own item by the challenge's redemption
        // (`code_redemption::spend_passkey`): a passkey answers only a
        // challenge, never a sign-in completed here.
        Some(SecondFactor::Passkey(_)) | None => {}
    }
    // The credential behind the login is the proof, issued when checked.
    let and = (!condition.is_empty()).then(|| condition.join(" AND "));
    let update = Holder::new(user, proof.valid_since).guard(update, and.as_deref());
    Ok(update
        .update_expression(format!("{set} {remove}"))
        .build()?)
}
