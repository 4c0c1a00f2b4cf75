//! Redeeming a one-time code: one transaction deletes the code's slot under
//! the condition "this hash, not expired, attempts left" together with the
//! code's effect. The condition is the proof that one caller won; each other
//! condition is tagged with what its failure means.

use super::codes::{rfc3339_now, slot_key};
use super::contention::backoff;
use super::item::{key, n, s};
use super::logins::{login_update, Proof};
use super::{keys, Store, StoreError, TokenRecord, Transaction, TxError};
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, Update};
use domain::codes::{Purpose, MAX_ATTEMPTS};
use domain::time;
use domain::UserId;

/// What redeeming a code does, in the same transaction.
pub enum CodeEffect<'a> {
    /// The account's address (`email`, as the code was sent to it) is
    /// proven: verified, no longer pending, and now the address's owner.
    VerifyEmail { email: &'a str },
    /// The new address replaces the old one and becomes the account's;
    /// `old_verified` says whether the old one was (then its sentinel goes).
    ChangeEmail {
        old: &'a str,
        new: &'a str,
        old_verified: bool,
    },
    /// New password; every session and token issued before is void.
    ResetPassword { password_hash: &'a str },
    /// A login completed by its 2FA code: the session is issued.
    Login {
        token_hash: &'a str,
        record: &'a TokenRecord,
        rehash: Option<&'a str>,
        /// When the password behind this login was checked (ms): a void
        /// of the user's tokens since then refuses the login.
        verified_at: i64,
        /// A TOTP step or recovery code spent by this login.
        second: Option<&'a super::SecondFactor>,
        /// The device's token hash and record (new or renewed).
        device: (&'a str, &'a super::DeviceRecord),
    },
}

pub struct Redemption<'a> {
    pub user: &'a UserId,
    pub purpose: Purpose,
    pub code_hash: &'a str,
    /// Also delete the pointer named by `code_hash`.
    pub pointer: bool,
    pub effect: CodeEffect<'a>,
    /// A message the redemption sends (a security notice), queued in the
    /// same transaction.
    pub notice: Option<&'a domain::Message>,
    /// The security events the redemption records, in the same write.
    pub audit: &'a [domain::audit::Event],
}

#[derive(Debug, thiserror::Error)]
pub enum RedeemError {
    /// Unknown, expired, out of attempts, already used, or its account
    /// changed under it: one answer.
    #[error("invalid code")]
    Invalid,
    /// An email change whose new address was registered meanwhile.
    #[error("email taken")]
    EmailTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<aws_sdk_dynamodb::error::BuildError> for RedeemError {
    fn from(e: aws_sdk_dynamodb::error::BuildError) -> Self {
        StoreError::from(e).into()
    }
}

/// What a failed condition of a redemption means.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Guard {
    /// The code: wrong, expired, out of attempts or used by another caller.
    Code,
    /// The account changed under the code (gone, address changed, voided).
    Account,
    /// The new address of an email change was registered meanwhile.
    NewEmail,
    /// The session token's fresh random key exists (a collision).
    Token,
}

/// Collisions with concurrent writers retried before answering 503.
const CONFLICT_RETRIES: u32 = 3;

impl Store {
    /// Consumes the code and applies its effect in one transaction. A
    /// collision with a concurrent transaction is retried: the loser of a
    /// race over one code then sees the code gone and gets `Invalid`.
    pub async fn redeem_code(&self, r: &Redemption<'_>) -> Result<(), RedeemError> {
        let mut attempt = 0;
        loop {
            match self.redemption(r)?.commit().await {
                Ok(()) => return Ok(()),
                Err(e) if e.failed(Guard::Code) || e.failed(Guard::Account) => {
                    return Err(RedeemError::Invalid)
                }
                Err(e) if e.failed(Guard::NewEmail) => return Err(RedeemError::EmailTaken),
                Err(TxError::Failed(_)) => {
                    return Err(StoreError::Unavailable("token key collision".into()).into())
                }
                Err(TxError::Store(StoreError::Unavailable(_))) if attempt < CONFLICT_RETRIES => {
                    backoff(attempt).await;
                    attempt += 1;
                }
                Err(TxError::Store(e)) => return Err(e.into()),
            }
        }
    }

    fn redemption(&self, r: &Redemption<'_>) -> Result<Transaction<Guard>, RedeemError> {
        let table = self.table();
        let mut tx = self.transaction().delete_if(
            Guard::Code,
            Delete::builder()
                .table_name(table)
                .set_key(Some(slot_key(r.user, r.purpose.as_str())))
                .condition_expression("code_hash = :h AND expires_at > :now AND attempts < :max")
                .expression_attribute_values(":h", s(r.code_hash))
                .expression_attribute_values(":now", n(time::now_secs()))
                .expression_attribute_values(":max", n(MAX_ATTEMPTS))
                .build()?,
        );
        if r.pointer {
            tx = tx.delete(
                Delete::builder()
                    .table_name(table)
                    .set_key(Some(key(keys::code_pointer(r.code_hash), keys::CODE_SK)))
                    .build()?,
            );
        }
        let user = || {
            Update::builder()
                .table_name(table)
                .set_key(Some(key(keys::user(r.user), keys::USER_SK)))
        };
        for put in self.audit_puts(r.user, r.audit)? {
            tx = tx.put(put);
        }
        if let Some(notice) = r.notice {
            tx = tx.put(self.outbox_put(notice)?);
        }
        let tx = match &r.effect {
            CodeEffect::VerifyEmail { email } => self.verify_email(tx, r.user, email)?,
            CodeEffect::ChangeEmail {
                old,
                new,
                old_verified,
            } => self.change_email(tx, r.user, (old, *old_verified), new)?,
            CodeEffect::ResetPassword { password_hash } => tx.update_if(
                Guard::Account,
                user()
                    .update_expression(
                        "SET password_hash = :p, tokens_valid_after = :stamp, failed_logins = :zero REMOVE locked_until",
                    )
                    .condition_expression("attribute_exists(pk)")
                    .expression_attribute_values(":p", s(*password_hash))
                    // +1: a token issued in this very millisecond dies too.
                    .expression_attribute_values(":stamp", n(time::now_ms() + 1))
                    .expression_attribute_values(":zero", n(0))
                    .build()?,
            ),
            CodeEffect::Login {
                token_hash,
                record,
                rehash,
                verified_at,
                second,
                device,
            } => tx
                .update_if(
                    Guard::Account,
                    login_update(
                        table,
                        r.user,
                        *rehash,
                        &Proof {
                            valid_since: *verified_at,
                            checked_hash: None,
                            second: *second,
                        },
                    )?,
                )
                .put_if(Guard::Token, record.put(table, token_hash)?)
                .put(self.device_put(device.0, device.1)?),
        };
        spend_passkey(tx, &r.effect, table)
    }

    /// The address the code went to is the account's and now proven: the
    /// user item is marked verified (condition: the address is unchanged)
    /// and the address's sentinel is taken. Someone who verified the same
    /// address first keeps it: `EmailTaken`.
    fn verify_email(
        &self,
        tx: Transaction<Guard>,
        user: &UserId,
        email: &str,
    ) -> Result<Transaction<Guard>, RedeemError> {
        let table = self.table();
        let address = email.to_lowercase();
        Ok(tx
            .update_if(
                Guard::Account,
                Update::builder()
                    .table_name(table)
                    .set_key(Some(key(keys::user(user), keys::USER_SK)))
                    .update_expression(
                        "SET email_verified = :t, email_verified_at = :at, \
                         verification_pending = :f, gsi3pk = :index, gsi3sk = :profile",
                    )
                    .condition_expression("attribute_exists(pk) AND email = :email")
                    .expression_attribute_values(":email", s(email))
                    .expression_attribute_values(":index", s(keys::email(&address)))
                    .expression_attribute_values(":profile", s(keys::USER_SK))
                    .expression_attribute_values(":t", AttributeValue::Bool(true))
                    .expression_attribute_values(":f", AttributeValue::Bool(false))
                    .expression_attribute_values(":at", s(rfc3339_now()))
                    .build()?,
            )
            .put_if(Guard::NewEmail, sentinel_if_mine(table, &address, user)?))
    }

    /// The new address replaces the old one and is the account's, proven:
    /// its sentinel is taken, and the old address's released when the
    /// account held it (a change of letter case keeps the same sentinel).
    fn change_email(
        &self,
        tx: Transaction<Guard>,
        user: &UserId,
        (old, old_verified): (&str, bool),
        new: &str,
    ) -> Result<Transaction<Guard>, RedeemError> {
        let table = self.table();
        let tx = tx.update_if(
            Guard::Account,
            Update::builder()
                .table_name(table)
                .set_key(Some(key(keys::user(user), keys::USER_SK)))
                .update_expression(
                    "SET email = :new, email_verified = :t, email_verified_at = :at, \
                     gsi3pk = :index, gsi3sk = :profile",
                )
                .condition_expression("email = :old AND email_verified = :was")
                .expression_attribute_values(":new", s(new))
                .expression_attribute_values(":index", s(keys::email(&new.to_lowercase())))
                .expression_attribute_values(":profile", s(keys::USER_SK))
                .expression_attribute_values(":old", s(old))
                .expression_attribute_values(":was", AttributeValue::Bool(old_verified))
                .expression_attribute_values(":t", AttributeValue::Bool(true))
                .expression_attribute_values(":at", s(rfc3339_now()))
                .build()?,
        );
        let (old_key, new_key) = (old.to_lowercase(), new.to_lowercase());
        let tx = tx.put_if(Guard::NewEmail, sentinel_if_mine(table, &new_key, user)?);
        if old_key == new_key || !old_verified {
            return Ok(tx);
        }
        Ok(tx.delete(
            Delete::builder()
                .table_name(table)
                .set_key(Some(key(keys::email(&old_key), keys::SENTINEL_SK)))
                .build()?,
        ))
    }
}

/// A passkey answering a login's second factor is spent on its own item:
/// a counter raced to, or an owner changed, is a used code.
fn spend_passkey(
    tx: Transaction<Guard>,
    effect: &CodeEffect<'_>,
    table: &str,
) -> Result<Transaction<Guard>, RedeemError> {
    Ok(match effect {
        CodeEffect::Login {
            second: Some(super::SecondFactor::Passkey(used)),
            ..
        } => tx.update_if(Guard::Code, used.update(table)?),
        _ => tx,
    })
}

/// The address's sentinel for `user`: written when free, or kept when the
/// user holds it already (a verified address re-verified, a change of
/// letter case); anyone else's fails the transaction.
fn sentinel_if_mine(table: &str, address: &str, user: &UserId) -> Result<Put, RedeemError> {
    let mut item = key(keys::email(address), keys::SENTINEL_SK);
    item.insert("user_id".into(), s(user.as_str()));
    Ok(Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression("attribute_not_exists(pk) OR user_id = :me")
        .expression_attribute_values(":me", s(user.as_str()))
        .build()?)
}
