use super::item::{from_item, key, n, s, to_item, Item};
use super::{keys, InvalidCursor, Listing, Store, StoreError, TokenRecord};
use crate::TxError;
use aws_sdk_dynamodb::types::{Put, ReturnValue, Update};
use domain::audit::{Event, Kind};
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
    /// The sealed cursor of the next page, when there is one.
    pub next: Option<String>,
}

/// The ghost and student accounts, oldest first (the sparse GSI1).
fn listed_accounts() -> Listing {
    Listing {
        name: "accounts",
        index: Some(keys::GSI1),
        partition: ("gsi1pk", keys::LISTED_ACCOUNTS.to_owned()),
        sort: ("gsi1sk", String::new()),
    }
}

/// The user's item: the record plus its key and index attributes.
fn user_item(user: &User) -> Result<Item, StoreError> {
    let mut item = to_item(user)?;
    item.extend(key(keys::user(&user.id), keys::USER_SK));
    item.insert(
        "gsi2pk".into(),
        s(keys::login_name(&user.username.to_ascii_lowercase())),
    );
    item.insert("gsi2sk".into(), s(keys::USER_SK));
    // Only a verified address names its account (docs/decisions.md,
    // "An address belongs to whoever verifies it").
    if user.email_verified && !user.email.is_empty() {
        item.insert("gsi3pk".into(), s(keys::email(&user.email.to_lowercase())));
        item.insert("gsi3sk".into(), s(keys::USER_SK));
    }
    if user.seq > 0 {
        item.insert("gsi4pk".into(), s(keys::user_seq(user.seq)));
        item.insert("gsi4sk".into(), s(keys::USER_SK));
    }
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

/// A uniqueness sentinel naming `user`, written only where none exists.
pub(crate) fn sentinel(table: &str, pk: String, user: &UserId) -> Result<Put, StoreError> {
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

    /// Creates the user with its uniqueness sentinels (username, integer
    /// id, and the email when the address is verified already) in one
    /// transaction: the conditions, not a prior read, decide who gets a
    /// name. An unverified address claims nothing: it takes its sentinel
    /// when verified. `first_token` is issued in the same write.
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
        self.create_user_with(user, extra, None).await
    }

    /// `create_user` with further puts in the same transaction (the Users
    /// API's first verification code), so the account and what it needs
    /// next exist together or not at all, and an unconditional counter
    /// update (a notice's budget). They must not be the user's keys.
    pub async fn create_user_with(
        &self,
        user: &User,
        extra: Vec<Put>,
        counter: Option<Update>,
    ) -> Result<User, CreateUserError> {
        let mut user = user.clone();
        for _ in 0..3 {
            match self.try_create_user(&user, &extra, counter.as_ref()).await {
                Err(CreateUserError::SeqTaken) => user.seq = self.next_user_seq().await?,
                Ok(()) => return Ok(user),
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Unavailable("no free integer user id after 3 draws".into()).into())
    }

    async fn try_create_user(
        &self,
        user: &User,
        extra: &[Put],
        counter: Option<&Update>,
    ) -> Result<(), CreateUserError> {
        #[derive(Debug, Clone, Copy, PartialEq)]
        enum Taken {
            Id,
            Username,
            Email,
            Seq,
            /// A further item (a token, a code) under a fresh random key.
            Extra,
        }
        let table = self.table();
        let mut tx = self
            .transaction()
            .put_if(
                Taken::Id,
                Put::builder()
                    .table_name(table)
                    .set_item(Some(user_item(user)?))
                    .condition_expression("attribute_not_exists(pk)")
                    .build()
                    .map_err(StoreError::from)?,
            )
            .put_if(
                Taken::Username,
                sentinel(
                    table,
                    keys::username(&user.username.to_ascii_lowercase()),
                    &user.id,
                )?,
            )
            .put_if(
                Taken::Seq,
                sentinel(table, keys::user_seq(user.seq), &user.id)?,
            );
        if user.email_verified {
            tx = tx.put_if(
                Taken::Email,
                sentinel(table, keys::email(&user.email.to_lowercase()), &user.id)?,
            );
        }
        for put in extra {
            tx = match put.condition_expression() {
                Some(_) => tx.put_if(Taken::Extra, put.clone()),
                None => tx.put(put.clone()),
            };
        }
        if let Some(counter) = counter {
            tx = tx.update(counter.clone());
        }
        match tx.commit().await {
            Ok(()) => Ok(()),
            Err(e) if e.failed(Taken::Username) => Err(CreateUserError::UsernameTaken),
            Err(e) if e.failed(Taken::Email) => Err(CreateUserError::EmailTaken),
            Err(e) if e.failed(Taken::Seq) => Err(CreateUserError::SeqTaken),
            // A fresh random key that exists already: as passing as it is rare.
            Err(TxError::Failed(_)) => {
                Err(StoreError::Unavailable("random key collision".into()).into())
            }
            Err(TxError::Store(e)) => Err(e.into()),
        }
    }

    /// Strongly consistent read of one user.
    pub async fn get_user(&self, id: &UserId) -> Result<Option<User>, StoreError> {
        self.get_record(key(keys::user(id), keys::USER_SK)).await
    }

    /// Ghost and student accounts in creation order, one page from the
    /// position a sealed cursor names (cursor.rs).
    pub async fn list_accounts(
        &self,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Result<Page<User>, InvalidCursor>, StoreError> {
        let listing = listed_accounts();
        let at = match cursor.map(|c| listing.open(c)).transpose() {
            // This list pages forward only.
            Ok(Some(p)) if p.backward => return Ok(Err(InvalidCursor)),
            Ok(at) => at,
            Err(e) => return Ok(Err(e)),
        };
        let limit = usize::try_from(limit).unwrap_or(1);
        let page = self.page(&listing, limit, at.as_ref()).await?;
        let items = page
            .items
            .into_iter()
            .map(from_item)
            .collect::<Result<Vec<User>, _>>()?;
        let next = page.next.map(|p| listing.seal(&p));
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
        #[derive(Debug, Clone, Copy, PartialEq)]
        enum Guard {
            Actor,
            Target,
        }
        // Who changed it: the moderator of the guard, else an operator.
        let event = match &guard {
            Some(g) => Event::by_moderator(Kind::RoleChanged, g.actor),
            None => Event::by_operator(Kind::RoleChanged),
        };
        let mut tx = self.transaction();
        match guard {
            Some(g) => {
                tx = tx.check(
                    Guard::Actor,
                    crate::guard::Holder::new(g.actor, g.token_issued_at)
                        .check(table, Some("#role = :moderator"))
                        .name("#role", "role")
                        .value(":moderator", s(Role::Moderator.as_str()))
                        .build()?,
                );
                update = update
                    .condition_expression("attribute_exists(pk) AND #role <> :moderator")
                    .expression_attribute_values(":moderator", s(Role::Moderator.as_str()));
            }
            None => update = update.condition_expression("attribute_exists(pk)"),
        }
        let tx = tx
            .update_if(Guard::Target, update.build().map_err(StoreError::from)?)
            .put(self.audit_put(target, &event.with("role", role.as_str()))?);
        match tx.commit().await {
            Ok(()) => Ok(()),
            Err(e) if e.failed(Guard::Actor) => Err(GuardedWriteError::Actor),
            Err(TxError::Failed(_)) => Err(GuardedWriteError::Target),
            Err(TxError::Store(e)) => Err(e.into()),
        }
    }

    /// Stores preferences if the token that asks still speaks for its user.
    pub async fn set_preferences(
        &self,
        user: &UserId,
        token_issued_at: i64,
        preferences: &str,
    ) -> Result<(), GuardedWriteError> {
        let request = self
            .client
            .update_item()
            .table_name(self.table())
            .update_expression("SET preferences = :p")
            .expression_attribute_values(":p", s(preferences));
        let result = crate::guard::Holder::new(user, token_issued_at)
            .guard_request(request, None)
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
}

/// The acting moderator of a guarded write.
#[derive(Debug, Clone, Copy)]
pub struct ModeratorGuard<'a> {
    pub actor: &'a UserId,
    pub token_issued_at: i64,
}
