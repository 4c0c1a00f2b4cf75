use super::error::{cancellation_codes, condition_failed, transaction_error};
use super::item::{from_item, key, n, s, to_item, Item};
use super::{keys, Cursor, InvalidCursor, Store, StoreError, TokenRecord};
use aws_sdk_dynamodb::types::{ConditionCheck, Put, ReturnValue, TransactWriteItem, Update};
use domain::{Role, User, UserId};

#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("username taken")]
    UsernameTaken,
    #[error("email taken")]
    EmailTaken,
    /// The integer id was taken; `create_user` retries, callers never see it.
    #[error("integer id taken")]
    SeqTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A write guarded by a condition on the acting user's item (their token is
/// not revoked, their role allows it) and one on the target.
#[derive(Debug, thiserror::Error)]
pub enum GuardedWriteError {
    #[error("the acting user's condition failed")]
    Actor,
    #[error("the target's condition failed")]
    Target,
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<Cursor>,
}

const LIST_KEY_ATTRS: [&str; 4] = ["pk", "sk", "gsi1pk", "gsi1sk"];

/// The user's item: the record plus its key and index attributes.
fn user_item(user: &User) -> Result<Item, StoreError> {
    let mut item = to_item(user)?;
    item.extend(key(keys::user(&user.id), keys::USER_SK));
    item.insert(
        "gsi2pk".into(),
        s(keys::login_name(&user.username.to_ascii_lowercase())),
    );
    item.insert("gsi2sk".into(), s(keys::USER_SK));
    if user.role.is_listed() {
        item.insert("gsi1pk".into(), s(keys::LISTED_ACCOUNTS));
        item.insert(
            "gsi1sk".into(),
            s(keys::by_creation(
                user.created_at.timestamp_millis(),
                &user.id,
            )),
        );
    }
    Ok(item)
}

fn sentinel(table: &str, pk: String, user: &UserId) -> Result<Put, StoreError> {
    let mut item = key(pk, keys::SENTINEL_SK);
    item.insert("user_id".into(), s(user.as_str()));
    Ok(Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression("attribute_not_exists(pk)")
        .build()?)
}

impl Store {
    /// Hands out the next integer user id (atomic counter; gaps are fine).
    pub async fn next_user_seq(&self) -> Result<u64, StoreError> {
        let out = self
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(keys::counter("user_seq"), keys::COUNTER_SK)))
            .update_expression("ADD #v :one")
            .expression_attribute_names("#v", "value")
            .expression_attribute_values(":one", n(1))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await?;
        out.attributes
            .and_then(|a| {
                a.get("value")
                    .and_then(|v| v.as_n().ok())
                    .and_then(|v| v.parse().ok())
            })
            .ok_or_else(|| StoreError::Corrupt("user_seq counter".into()))
    }

    /// Creates the user with its uniqueness sentinels (username, email,
    /// integer id) in one transaction: the conditions, not a prior read,
    /// decide who gets a name. `first_token` is issued in the same write.
    /// Returns the user as stored: should the integer id be taken already
    /// (imported data), a fresh one is drawn, a bounded number of times.
    pub async fn create_user(
        &self,
        user: &User,
        first_token: Option<(&str, &TokenRecord)>,
    ) -> Result<User, CreateUserError> {
        let extra = match first_token {
            Some((hash, record)) => vec![record.put(self.table(), hash)?],
            None => Vec::new(),
        };
        self.create_user_with(user, extra).await
    }

    /// `create_user` with further puts in the same transaction (the Users
    /// API's first verification code), so the account and what it needs
    /// next exist together or not at all. They must not be the user's keys.
    pub async fn create_user_with(
        &self,
        user: &User,
        extra: Vec<Put>,
    ) -> Result<User, CreateUserError> {
        let mut user = user.clone();
        for _ in 0..3 {
            match self.try_create_user(&user, &extra).await {
                Err(CreateUserError::SeqTaken) => user.seq = self.next_user_seq().await?,
                Ok(()) => return Ok(user),
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Unavailable("no free integer user id after 3 draws".into()).into())
    }

    async fn try_create_user(&self, user: &User, extra: &[Put]) -> Result<(), CreateUserError> {
        let table = self.table();
        let mut puts = vec![
            Put::builder()
                .table_name(table)
                .set_item(Some(user_item(user)?))
                .condition_expression("attribute_not_exists(pk)")
                .build()
                .map_err(StoreError::from)?,
            sentinel(
                table,
                keys::username(&user.username.to_ascii_lowercase()),
                &user.id,
            )?,
            sentinel(table, keys::email(&user.email.to_lowercase()), &user.id)?,
            sentinel(table, keys::user_seq(user.seq), &user.id)?,
        ];
        puts.extend(extra.iter().cloned());
        let items = puts
            .into_iter()
            .map(|p| TransactWriteItem::builder().put(p).build())
            .collect();
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(err) => match cancellation_codes(&err) {
                Some(codes) if condition_failed(&codes, 1) => Err(CreateUserError::UsernameTaken),
                Some(codes) if condition_failed(&codes, 2) => Err(CreateUserError::EmailTaken),
                Some(codes) if condition_failed(&codes, 3) => Err(CreateUserError::SeqTaken),
                _ => Err(transaction_error(err).into()),
            },
        }
    }

    /// Strongly consistent read of one user.
    pub async fn get_user(&self, id: &UserId) -> Result<Option<User>, StoreError> {
        self.get_record(key(keys::user(id), keys::USER_SK)).await
    }

    /// The user holding a username (by its lowercase key), through GSI2:
    /// one call, eventually consistent.
    pub async fn find_user_by_username(&self, key: &str) -> Result<Option<User>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(self.table())
            .index_name(keys::GSI2)
            .key_condition_expression("gsi2pk = :p")
            .expression_attribute_values(":p", s(keys::login_name(key)))
            .limit(1)
            .send()
            .await?;
        out.items
            .unwrap_or_default()
            .into_iter()
            .next()
            .map(from_item)
            .transpose()
    }

    /// The id a uniqueness sentinel points to (strongly consistent).
    async fn sentinel_owner(&self, pk: String) -> Result<Option<UserId>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(self.table())
            .set_key(Some(key(pk, keys::SENTINEL_SK)))
            .consistent_read(true)
            .send()
            .await?;
        Ok(out
            .item
            .and_then(|i| i.get("user_id").and_then(|v| v.as_s().ok()).cloned())
            .map(UserId::from_stored))
    }

    pub async fn username_owner(&self, key: &str) -> Result<Option<UserId>, StoreError> {
        self.sentinel_owner(keys::username(key)).await
    }

    pub async fn email_owner(&self, key: &str) -> Result<Option<UserId>, StoreError> {
        self.sentinel_owner(keys::email(key)).await
    }

    pub async fn user_id_by_seq(&self, seq: u64) -> Result<Option<UserId>, StoreError> {
        self.sentinel_owner(keys::user_seq(seq)).await
    }

    /// Ghost and student accounts in creation order, one page.
    pub async fn list_accounts(
        &self,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Result<Page<User>, InvalidCursor>, StoreError> {
        let start = match cursor
            .map(|c| Cursor::decode(c, &LIST_KEY_ATTRS, ("gsi1pk", keys::LISTED_ACCOUNTS)))
            .transpose()
        {
            Ok(start) => start,
            Err(e) => return Ok(Err(e)),
        };
        let out = self
            .client
            .query()
            .table_name(self.table())
            .index_name(keys::GSI1)
            .key_condition_expression("gsi1pk = :p")
            .expression_attribute_values(":p", s(keys::LISTED_ACCOUNTS))
            .set_exclusive_start_key(start)
            .limit(limit)
            .send()
            .await?;
        let items = out
            .items
            .unwrap_or_default()
            .into_iter()
            .map(from_item)
            .collect::<Result<Vec<User>, _>>()?;
        let next = out.last_evaluated_key.as_ref().and_then(Cursor::from_key);
        Ok(Ok(Page { items, next }))
    }

    /// Sets a role, keeping the sparse list index in step. With `guard`, the
    /// write happens only if the acting moderator's tokens are still valid
    /// and the target is not a moderator (moderators are operator-managed).
    pub async fn set_role(
        &self,
        target: &UserId,
        role: Role,
        guard: Option<ModeratorGuard<'_>>,
    ) -> Result<(), GuardedWriteError> {
        let table = self.table();
        let mut update = Update::builder()
            .table_name(table)
            .set_key(Some(key(keys::user(target), keys::USER_SK)))
            .expression_attribute_names("#role", "role")
            .expression_attribute_values(":role", s(role.as_str()));
        update = if role.is_listed() {
            update
                .update_expression(
                    "SET #role = :role, gsi1pk = :lp, gsi1sk = if_not_exists(gsi1sk, :ls)",
                )
                .expression_attribute_values(":lp", s(keys::LISTED_ACCOUNTS))
                .expression_attribute_values(
                    ":ls",
                    s(format!("{:015}#{target}", domain::time::now_ms())),
                )
        } else {
            update.update_expression("SET #role = :role REMOVE gsi1pk, gsi1sk")
        };
        let mut items = Vec::new();
        match guard {
            Some(g) => {
                items.push(
                    TransactWriteItem::builder()
                        .condition_check(
                            ConditionCheck::builder()
                                .table_name(table)
                                .set_key(Some(key(keys::user(g.actor), keys::USER_SK)))
                                .condition_expression(
                                    "tokens_valid_after <= :issued AND #role = :moderator",
                                )
                                .expression_attribute_names("#role", "role")
                                .expression_attribute_values(":issued", n(g.token_issued_at))
                                .expression_attribute_values(
                                    ":moderator",
                                    s(Role::Moderator.as_str()),
                                )
                                .build()
                                .map_err(StoreError::from)?,
                        )
                        .build(),
                );
                update = update
                    .condition_expression("attribute_exists(pk) AND #role <> :moderator")
                    .expression_attribute_values(":moderator", s(Role::Moderator.as_str()));
            }
            None => update = update.condition_expression("attribute_exists(pk)"),
        }
        let target_index = items.len();
        items.push(
            TransactWriteItem::builder()
                .update(update.build().map_err(StoreError::from)?)
                .build(),
        );
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(err) => match cancellation_codes(&err) {
                Some(codes) if target_index == 1 && condition_failed(&codes, 0) => {
                    Err(GuardedWriteError::Actor)
                }
                Some(codes) if condition_failed(&codes, target_index) => {
                    Err(GuardedWriteError::Target)
                }
                _ => Err(transaction_error(err).into()),
            },
        }
    }

    /// Stores preferences if the token that asks is still valid.
    pub async fn set_preferences(
        &self,
        user: &UserId,
        token_issued_at: i64,
        preferences: &str,
    ) -> Result<(), GuardedWriteError> {
        let result = self
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(keys::user(user), keys::USER_SK)))
            .update_expression("SET preferences = :p")
            .condition_expression("attribute_exists(pk) AND tokens_valid_after <= :issued")
            .expression_attribute_values(":p", s(preferences))
            .expression_attribute_values(":issued", n(token_issued_at))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_conditional_check_failed_exception()) =>
            {
                Err(GuardedWriteError::Actor)
            }
            Err(e) => Err(StoreError::from(e).into()),
        }
    }

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
    /// password when the parameters changed.
    pub async fn complete_login(
        &self,
        user: &UserId,
        token: (&str, &TokenRecord),
        rehash: Option<&str>,
    ) -> Result<(), StoreError> {
        let table = self.table();
        let update = login_update(table, user, rehash, token.1.issued_at, None)?;
        self.client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().update(update).build())
            .transact_items(
                TransactWriteItem::builder()
                    .put(token.1.put(table, token.0)?)
                    .build(),
            )
            .send()
            .await?;
        Ok(())
    }
}

/// The user-item half of a successful login (also used when a 2FA code
/// completes one): clears the failure count and lockout, stamps
/// `last_login`, stores a rehashed password when there is one.
/// The user-side half of a completed login. `valid_since` (ms) is when the
/// login's proof was checked (the password, or the 2FA challenge): should
/// the user's tokens have been voided after it (a reset, logout-all, a
/// ban), the login fails instead of minting a session the void misses, and
/// a stale rehash of an old password is never written.
pub(crate) fn login_update(
    table: &str,
    user: &UserId,
    rehash: Option<&str>,
    valid_since: i64,
    second: Option<&super::SecondFactor>,
) -> Result<Update, StoreError> {
    let now = domain::time::now();
    let mut set = "SET failed_logins = :zero, last_login = :now".to_owned();
    let mut condition = "attribute_exists(pk) AND tokens_valid_after <= :since".to_owned();
    let mut remove = "REMOVE locked_until".to_owned();
    let mut update = Update::builder()
        .table_name(table)
        .set_key(Some(key(keys::user(user), keys::USER_SK)))
        .expression_attribute_values(":since", n(valid_since))
        .expression_attribute_values(":zero", n(0))
        .expression_attribute_values(
            ":now",
            s(now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
        );
    if let Some(hash) = rehash {
        set.push_str(", password_hash = :hash");
        update = update.expression_attribute_values(":hash", s(hash));
    }
    // The factor is spent by this same write: its condition is the proof
    // that one login, and only one, used it.
    match second {
        Some(super::SecondFactor::TotpStep(step)) => {
            set.push_str(", totp_last_step = :step");
            condition.push_str(
                " AND attribute_exists(totp_secret) \
                 AND (attribute_not_exists(totp_last_step) OR totp_last_step < :step)",
            );
            update = update.expression_attribute_values(":step", n(*step));
        }
        Some(super::SecondFactor::Recovery(hash)) => {
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

/// The acting moderator of a guarded write.
#[derive(Debug, Clone, Copy)]
pub struct ModeratorGuard<'a> {
    pub actor: &'a UserId,
    pub token_issued_at: i64,
}
