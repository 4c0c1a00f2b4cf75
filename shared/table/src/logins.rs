//! Logins as stored: failures and lockouts on the user item, and a
//! completed login (token issued, failures cleared, `last_login`, a rehash)
//! as one transaction conditioned on the user's tokens still being valid.

use super::item::{key, n, s};
use super::{keys, SecondFactor, Store, StoreError, TokenRecord, TxError};
use aws_sdk_dynamodb::types::{AttributeValue, Update};
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

    /// A successful login: issues the token and, in the same transaction,
    /// clears the failure count, stamps `last_login` and stores a rehashed
    /// password when the parameters changed. `LoginVoided` when the user was
    /// deleted, banned, logged out everywhere or given another password since
    /// the proof was checked (`checked_hash` is the hash the password was
    /// verified against: a user read from an index may be a moment stale):
    /// the caller answers as for bad credentials, never a 500.
    pub async fn complete_login(
        &self,
        user: &UserId,
        checked_hash: &str,
        token: (&str, &TokenRecord),
        rehash: Option<&str>,
    ) -> Result<(), LoginWriteError> {
        #[derive(Debug, Clone, Copy, PartialEq)]
        enum Login {
            StillValid,
            FreshToken,
        }
        let table = self.table();
        let proof = Proof {
            valid_since: token.1.issued_at,
            checked_hash: Some(checked_hash),
            second: None,
        };
        let update = login_update(table, user, rehash, &proof)?;
        match self
            .transaction()
            .update_if(Login::StillValid, update)
            .put_if(Login::FreshToken, token.1.put(table, token.0)?)
            .commit()
            .await
        {
            Ok(()) => Ok(()),
            Err(e) if e.failed(Login::StillValid) => Err(LoginWriteError::Voided),
            Err(TxError::Failed(_)) => {
                Err(StoreError::Unavailable("token collision".into()).into())
            }
            Err(TxError::Store(e)) => Err(e.into()),
        }
    }
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
    let mut condition = "attribute_exists(pk) AND tokens_valid_after <= :since \
         AND (attribute_not_exists(banned) OR banned = :false)"
        .to_owned();
    let mut remove = "REMOVE locked_until".to_owned();
    let mut update = Update::builder()
        .table_name(table)
        .set_key(Some(key(keys::user(user), keys::USER_SK)))
        .expression_attribute_values(":since", n(proof.valid_since))
        .expression_attribute_values(":false", AttributeValue::Bool(false))
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
        condition.push_str(" AND password_hash = :checked");
        update = update.expression_attribute_values(":checked", s(hash));
    }
    // The factor is spent by this same write: its condition is the proof
    // that one login, and only one, used it.
    match proof.second {
        Some(SecondFactor::TotpStep(step)) => {
            set.push_str(", totp_last_step = :step");
            condition.push_str(
                " AND attribute_exists(totp_secret) \
                 AND (attribute_not_exists(totp_last_step) OR totp_last_step < :step)",
            );
            update = update.expression_attribute_values(":step", n(*step));
        }
        Some(SecondFactor::Recovery(hash)) => {
            remove.push_str(", recovery_codes.#rc");
            condition.push_str(" AND attribute_exists(recovery_codes.#rc)");
            update = update.expression_attribute_names("#rc", hash);
        }
        None => {}
    }
    Ok(update
        .condition_expression(condition)
        .update_expression(format!("{set} {remove}"))
        .build()?)
}
