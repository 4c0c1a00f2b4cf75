//! Profile writes of the Users API: field updates (a username change moves
//! its sentinel and login index entry in the same transaction), flags, the
//! revocation stamp and the profile picture key.

use super::item::{key, n, s};
use super::TxError;
use super::{keys, Store, StoreError};
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, Update};
use domain::{Role, User, UserId};

/// Fields to set; `None` leaves a field as it is.
#[derive(Debug, Default, Clone)]
pub struct ProfileChanges {
    pub username: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// (country code, number), always together.
    pub phone: Option<(String, String)>,
    pub password_hash: Option<String>,
    /// A moderator's change of another user's role.
    pub role: Option<Role>,
    /// End every session and token issued so far (a new password).
    pub void_tokens: bool,
}

impl ProfileChanges {
    pub fn is_empty(&self) -> bool {
        self.username.is_none()
            && self.first_name.is_none()
            && self.last_name.is_none()
            && self.phone.is_none()
            && self.password_hash.is_none()
            && self.role.is_none()
            && !self.void_tokens
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ProfileUpdateError {
    #[error("username taken")]
    UsernameTaken,
    /// The user is gone or was renamed since it was read.
    #[error("the user changed meanwhile")]
    Conflict,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<aws_sdk_dynamodb::error::BuildError> for ProfileUpdateError {
    fn from(e: aws_sdk_dynamodb::error::BuildError) -> Self {
        StoreError::from(e).into()
    }
}

/// A boolean of the user record the Users API toggles.
#[derive(Debug, Clone, Copy)]
pub enum UserFlag {
    Private,
    TwoFactor,
}

impl UserFlag {
    fn attribute(self) -> &'static str {
        match self {
            UserFlag::Private => "is_private",
            UserFlag::TwoFactor => "two_factor_enabled",
        }
    }
}

/// The (old, new) lowercase username keys when the key changes.
fn sentinel_move(current: &User, changes: &ProfileChanges) -> Option<(String, String)> {
    let name = changes.username.as_ref()?;
    let (old_key, new_key) = (
        current.username.to_ascii_lowercase(),
        name.to_ascii_lowercase(),
    );
    (old_key != new_key).then_some((old_key, new_key))
}

/// The user item's update: every changed field, the login index with the
/// username, the list index with the role. The conditions guard against a
/// concurrent rename or role change.
fn profile_update(
    table: &str,
    current: &User,
    changes: &ProfileChanges,
) -> Result<Update, StoreError> {
    let mut sets: Vec<(&str, String)> = Vec::new();
    if let Some(name) = &changes.username {
        sets.push(("username", name.clone()));
        sets.push(("gsi2pk", keys::login_name(&name.to_ascii_lowercase())));
    }
    if let Some(v) = &changes.first_name {
        sets.push(("first_name", v.clone()));
    }
    if let Some(v) = &changes.last_name {
        sets.push(("last_name", v.clone()));
    }
    if let Some((cc, number)) = &changes.phone {
        sets.push(("phone_country_code", cc.clone()));
        sets.push(("phone", number.clone()));
    }
    if let Some(v) = &changes.password_hash {
        sets.push(("password_hash", v.clone()));
    }
    let mut update = Update::builder()
        .table_name(table)
        .set_key(Some(key(keys::user(&current.id), keys::USER_SK)))
        .expression_attribute_names("#role", "role")
        .expression_attribute_values(":old_name", s(&current.username))
        .expression_attribute_values(":old_role", s(current.role.as_str()));
    let mut assignments: Vec<String> = sets.iter().map(|(n, _)| format!("{n} = :{n}")).collect();
    let mut removals = Vec::new();
    if let Some(role) = changes.role {
        assignments.push("#role = :new_role".into());
        update = update.expression_attribute_values(":new_role", s(role.as_str()));
        if role.is_listed() {
            assignments.push("gsi1pk = :lp, gsi1sk = if_not_exists(gsi1sk, :ls)".into());
            update = update
                .expression_attribute_values(":lp", s(keys::LISTED_ACCOUNTS))
                .expression_attribute_values(
                    ":ls",
                    s(keys::by_creation(
                        current.created_at.timestamp_millis(),
                        &current.id,
                    )),
                );
        } else {
            removals.push("gsi1pk, gsi1sk");
        }
    }
    for (name, value) in &sets {
        update = update.expression_attribute_values(format!(":{name}"), s(value));
    }
    if changes.void_tokens {
        // +1: a token issued in this very millisecond dies too.
        assignments.push("tokens_valid_after = :stamp".into());
        update = update.expression_attribute_values(":stamp", n(domain::time::now_ms() + 1));
    }
    let mut expression = format!("SET {}", assignments.join(", "));
    if !removals.is_empty() {
        expression.push_str(&format!(" REMOVE {}", removals.join(", ")));
    }
    Ok(update
        .condition_expression("username = :old_name AND #role = :old_role")
        .update_expression(expression)
        .build()?)
}

fn is_conditional_failure<E: aws_sdk_dynamodb::error::ProvideErrorMetadata>(e: &E) -> bool {
    e.code() == Some("ConditionalCheckFailedException")
}

impl Store {
    /// Applies `changes` to `current` (as read) and writes `extra` (an
    /// email-change code) in one transaction: all of it or nothing. A
    /// username change moves its sentinel in the same write.
    pub async fn update_profile(
        &self,
        current: &User,
        changes: &ProfileChanges,
        extra: Vec<Put>,
    ) -> Result<(), ProfileUpdateError> {
        #[derive(Debug, Clone, Copy, PartialEq)]
        enum Guard {
            /// The user is gone, renamed or re-roled since it was read.
            Unchanged,
            UsernameFree,
        }
        if changes.is_empty() && extra.is_empty() {
            return Ok(());
        }
        let table = self.table();
        let mut tx = self.transaction();
        if !changes.is_empty() {
            tx = tx.update_if(Guard::Unchanged, profile_update(table, current, changes)?);
        }
        if let Some((old_key, new_key)) = sentinel_move(current, changes) {
            let mut sentinel = key(keys::username(&new_key), keys::SENTINEL_SK);
            sentinel.insert("user_id".into(), s(current.id.as_str()));
            tx = tx
                .put_if(
                    Guard::UsernameFree,
                    Put::builder()
                        .table_name(table)
                        .set_item(Some(sentinel))
                        .condition_expression("attribute_not_exists(pk)")
                        .build()?,
                )
                .delete(
                    Delete::builder()
                        .table_name(table)
                        .set_key(Some(key(keys::username(&old_key), keys::SENTINEL_SK)))
                        .build()?,
                );
        }
        for put in extra {
            tx = tx.put(put);
        }
        // The search index follows the names in the same write.
        let (puts, deletes) = crate::search_index::profile_changes(table, current, changes)?;
        for put in puts {
            tx = tx.put(put);
        }
        for delete in deletes {
            tx = tx.delete(delete);
        }
        match tx.commit().await {
            Ok(()) => Ok(()),
            Err(e) if e.failed(Guard::UsernameFree) => Err(ProfileUpdateError::UsernameTaken),
            Err(TxError::Failed(_)) => Err(ProfileUpdateError::Conflict),
            Err(TxError::Store(e)) => Err(e.into()),
        }
    }

    /// Sets a flag of an existing user; `false` when there is no such user.
    pub async fn set_user_flag(
        &self,
        user: &UserId,
        flag: UserFlag,
        value: bool,
    ) -> Result<bool, StoreError> {
        let update = self.flag_update(user, flag, value)?;
        let result = self
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(update.key))
            .update_expression(update.update_expression)
            .set_condition_expression(update.condition_expression)
            .set_expression_attribute_names(update.expression_attribute_names)
            .set_expression_attribute_values(update.expression_attribute_values)
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(is_conditional_failure) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Sets `flag` of an existing user.
    fn flag_update(
        &self,
        user: &UserId,
        flag: UserFlag,
        value: bool,
    ) -> Result<Update, StoreError> {
        let update = Update::builder()
            .table_name(self.table())
            .set_key(Some(key(keys::user(user), keys::USER_SK)))
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#f", flag.attribute())
            .expression_attribute_values(":v", AttributeValue::Bool(value));
        // 2FA turned off or on forgets every device remembered for it.
        let update = match flag {
            UserFlag::TwoFactor => update
                .update_expression("SET #f = :v, two_factor_since = :now")
                .expression_attribute_values(":now", n(domain::time::now_ms())),
            UserFlag::Private => update.update_expression("SET #f = :v"),
        };
        Ok(update.build()?)
    }

    /// Sets a flag of an existing user and queues `notice` (a security
    /// notice) and `audit` (its security event) in the same transaction; `false` when there is no such user.
    pub async fn set_user_flag_noting(
        &self,
        user: &UserId,
        flag: UserFlag,
        value: bool,
        notice: &domain::Message,
        audit: &domain::audit::Event,
    ) -> Result<bool, StoreError> {
        let update = self.flag_update(user, flag, value)?;
        let audit = self.audit_put(user, audit)?;
        self.update_noting(update, notice, Some(audit)).await
    }

    /// Voids every session, access and refresh token issued so far (they
    /// are checked against this stamp on each request). Returns the stamp.
    pub async fn void_tokens(&self, user: &UserId) -> Result<i64, StoreError> {
        // +1: a token issued in this very millisecond dies too.
        let stamp = domain::time::now_ms() + 1;
        self.client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(keys::user(user), keys::USER_SK)))
            .update_expression("SET tokens_valid_after = :t")
            .condition_expression("attribute_exists(pk) AND tokens_valid_after < :t")
            .expression_attribute_values(":t", n(stamp))
            .send()
            .await
            .map(|_| stamp)
            .or_else(|e| {
                if e.as_service_error().is_some_and(is_conditional_failure) {
                    Ok(stamp)
                } else {
                    Err(e.into())
                }
            })
    }

    /// Sets (or with `None` removes) the S3 key of the profile picture.
    pub async fn set_profile_picture(
        &self,
        user: &UserId,
        object_key: Option<&str>,
    ) -> Result<(), StoreError> {
        let req = self
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(keys::user(user), keys::USER_SK)))
            .condition_expression("attribute_exists(pk)");
        let req = match object_key {
            Some(k) => req
                .update_expression("SET profile_picture_key = :k")
                .expression_attribute_values(":k", s(k)),
            None => req.update_expression("REMOVE profile_picture_key"),
        };
        req.send().await?;
        Ok(())
    }
}
