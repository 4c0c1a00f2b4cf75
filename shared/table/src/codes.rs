//! One-time codes as stored (rules in `auth::codes`): one slot per user and
//! purpose (`USER#id` / `CODE#purpose`), overwritten by the next code, plus
//! for self-identifying codes a pointer item named by the code's hash. A
//! code is redeemed by one transaction that deletes its slot under the
//! condition "this hash, not expired, attempts left" together with the
//! code's effect: the condition is the proof that one caller won.

use super::error::{cancellation_codes, condition_failed, transaction_error};
use super::item::{key, n, s, to_item};
use super::users::login_update;
use super::{keys, Store, StoreError, TokenRecord};
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem, Update};
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

/// What redeeming a code does, in the same transaction.
pub enum CodeEffect<'a> {
    /// The account's address is proven: verified, and no longer pending.
    VerifyEmail,
    /// The new address replaces the old one, moving its sentinel.
    ChangeEmail { old: &'a str, new: &'a str },
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
    },
}

pub struct Redemption<'a> {
    pub user: &'a UserId,
    pub purpose: Purpose,
    pub code_hash: &'a str,
    /// Also delete the pointer named by `code_hash`.
    pub pointer: bool,
    pub effect: CodeEffect<'a>,
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

fn slot_key(user: &UserId, purpose: &str) -> super::item::Item {
    key(keys::user(user), &keys::code_slot(purpose))
}

fn rfc3339_now() -> String {
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
        let items = self
            .code_puts(slot, with_pointer)?
            .into_iter()
            .map(|p| TransactWriteItem::builder().put(p).build())
            .collect();
        self.client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await?;
        Ok(())
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

    /// Consumes the code and applies its effect in one transaction. A
    /// transaction conflict (another request on the same items) is retried
    /// once; the loser of a race over one code gets `Invalid`.
    pub async fn redeem_code(&self, r: &Redemption<'_>) -> Result<(), RedeemError> {
        for attempt in 0..2 {
            match self.try_redeem(r).await {
                Err(RedeemError::Store(StoreError::Backend(e)))
                    if attempt == 0 && e.contains("TransactionConflict") =>
                {
                    continue
                }
                other => return other,
            }
        }
        Err(RedeemError::Invalid)
    }

    async fn try_redeem(&self, r: &Redemption<'_>) -> Result<(), RedeemError> {
        let table = self.table();
        let mut items = vec![TransactWriteItem::builder()
            .delete(
                Delete::builder()
                    .table_name(table)
                    .set_key(Some(slot_key(r.user, r.purpose.as_str())))
                    .condition_expression(
                        "code_hash = :h AND expires_at > :now AND attempts < :max",
                    )
                    .expression_attribute_values(":h", s(r.code_hash))
                    .expression_attribute_values(":now", n(time::now_secs()))
                    .expression_attribute_values(":max", n(MAX_ATTEMPTS))
                    .build()?,
            )
            .build()];
        if r.pointer {
            items.push(
                TransactWriteItem::builder()
                    .delete(
                        Delete::builder()
                            .table_name(table)
                            .set_key(Some(key(keys::code_pointer(r.code_hash), keys::CODE_SK)))
                            .build()?,
                    )
                    .build(),
            );
        }
        let user_key = || key(keys::user(r.user), keys::USER_SK);
        // Index of the new email sentinel, whose failure means "taken".
        let mut new_sentinel = None;
        match &r.effect {
            CodeEffect::VerifyEmail => items.push(
                TransactWriteItem::builder()
                    .update(
                        Update::builder()
                            .table_name(table)
                            .set_key(Some(user_key()))
                            .update_expression(
                                "SET email_verified = :t, email_verified_at = :at, verification_pending = :f",
                            )
                            .condition_expression("attribute_exists(pk)")
                            .expression_attribute_values(":t", aws_sdk_dynamodb::types::AttributeValue::Bool(true))
                            .expression_attribute_values(":f", aws_sdk_dynamodb::types::AttributeValue::Bool(false))
                            .expression_attribute_values(":at", s(rfc3339_now()))
                            .build()?,
                    )
                    .build(),
            ),
            CodeEffect::ChangeEmail { old, new } => {
                items.push(
                    TransactWriteItem::builder()
                        .update(
                            Update::builder()
                                .table_name(table)
                                .set_key(Some(user_key()))
                                .update_expression(
                                    "SET email = :new, email_verified = :t, email_verified_at = :at",
                                )
                                .condition_expression("email = :old")
                                .expression_attribute_values(":new", s(*new))
                                .expression_attribute_values(":old", s(*old))
                                .expression_attribute_values(":t", aws_sdk_dynamodb::types::AttributeValue::Bool(true))
                                .expression_attribute_values(":at", s(rfc3339_now()))
                                .build()?,
                        )
                        .build(),
                );
                let (old_key, new_key) = (old.to_lowercase(), new.to_lowercase());
                // A change of letter case keeps the same sentinel.
                if old_key != new_key {
                    items.push(
                        TransactWriteItem::builder()
                            .delete(
                                Delete::builder()
                                    .table_name(table)
                                    .set_key(Some(key(keys::email(&old_key), keys::SENTINEL_SK)))
                                    .build()?,
                            )
                            .build(),
                    );
                    let mut sentinel = key(keys::email(&new_key), keys::SENTINEL_SK);
                    sentinel.insert("user_id".into(), s(r.user.as_str()));
                    new_sentinel = Some(items.len());
                    items.push(
                        TransactWriteItem::builder()
                            .put(
                                Put::builder()
                                    .table_name(table)
                                    .set_item(Some(sentinel))
                                    .condition_expression("attribute_not_exists(pk)")
                                    .build()?,
                            )
                            .build(),
                    );
                }
            }
            CodeEffect::ResetPassword { password_hash } => items.push(
                TransactWriteItem::builder()
                    .update(
                        Update::builder()
                            .table_name(table)
                            .set_key(Some(user_key()))
                            .update_expression(
                                "SET password_hash = :p, tokens_valid_after = :stamp, failed_logins = :zero REMOVE locked_until",
                            )
                            .condition_expression("attribute_exists(pk)")
                            .expression_attribute_values(":p", s(*password_hash))
                            // +1: a token issued in this very millisecond dies too.
                            .expression_attribute_values(":stamp", n(time::now_ms() + 1))
                            .expression_attribute_values(":zero", n(0))
                            .build()?,
                    )
                    .build(),
            ),
            CodeEffect::Login {
                token_hash,
                record,
                rehash,
                verified_at,
                second,
            } => {
                items.push(
                    TransactWriteItem::builder()
                        .update(login_update(
                            table,
                            r.user,
                            *rehash,
                            *verified_at,
                            *second,
                        )?)
                        .build(),
                );
                items.push(
                    TransactWriteItem::builder()
                        .put(record.put(table, token_hash)?)
                        .build(),
                );
            }
        }
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(err) => match cancellation_codes(&err) {
                Some(codes) => {
                    if condition_failed(&codes, 0) {
                        Err(RedeemError::Invalid)
                    } else if new_sentinel.is_some_and(|i| condition_failed(&codes, i)) {
                        Err(RedeemError::EmailTaken)
                    } else if (0..codes.len()).any(|i| condition_failed(&codes, i)) {
                        Err(RedeemError::Invalid)
                    } else {
                        Err(transaction_error(err).into())
                    }
                }
                None => Err(StoreError::from(err).into()),
            },
        }
    }
}
