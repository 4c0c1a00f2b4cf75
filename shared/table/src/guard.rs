//! The one condition under which a credential still speaks for its user,
//! checked by every write made on a user's behalf: the user exists, is not
//! banned nor being deleted, and has not voided credentials issued before this one (a
//! logout-all, a password change or reset, a ban or a forced logout moves
//! `tokens_valid_after`). Reads check the same rule in code
//! (`identity::check_holder`); the write re-checks it under its condition,
//! so a revocation racing the request wins.

use super::item::{key, n, Item};
use super::{keys, StoreError, TokenRecord};
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::builders::UpdateBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck};
use domain::UserId;

/// The condition, on the user's item. Its placeholders `:issued` and
/// `:holder_ok` are reserved for it.
pub const STILL_VALID: &str = "attribute_exists(pk) AND tokens_valid_after <= :issued \
     AND (attribute_not_exists(banned) OR banned = :holder_ok) \
     AND attribute_not_exists(deleting_since)";

/// The user a credential issued at `issued_ms` names.
#[derive(Debug, Clone, Copy)]
pub struct Holder<'a> {
    pub user: &'a UserId,
    /// When the credential (or the proof behind a login) was issued, ms.
    pub issued_ms: i64,
}

impl<'a> Holder<'a> {
    pub fn new(user: &'a UserId, issued_ms: i64) -> Self {
        Self { user, issued_ms }
    }

    /// The holder of a stored token (a session, an Accounts API token).
    pub fn of(record: &'a TokenRecord) -> Self {
        Self::new(&record.user_id, record.issued_at)
    }

    /// The user item's key.
    pub fn key(&self) -> Item {
        key(keys::user(self.user), keys::USER_SK)
    }

    /// The condition, with `and` (another condition on the same item) if
    /// given.
    pub fn condition(and: Option<&str>) -> String {
        match and {
            Some(more) => format!("{STILL_VALID} AND ({more})"),
            None => STILL_VALID.to_owned(),
        }
    }

    fn values(&self) -> [(&'static str, AttributeValue); 2] {
        [
            (":issued", n(self.issued_ms)),
            (":holder_ok", AttributeValue::Bool(false)),
        ]
    }

    /// A transaction's check of the user item (the write is elsewhere).
    pub fn check(&self, table: &str, and: Option<&str>) -> ConditionCheckDraft {
        let mut check = ConditionCheck::builder()
            .table_name(table)
            .set_key(Some(self.key()))
            .condition_expression(Self::condition(and));
        for (name, value) in self.values() {
            check = check.expression_attribute_values(name, value);
        }
        ConditionCheckDraft(check)
    }

    /// `update` of the user item (a transaction's), made conditional on
    /// the holder; `and` joins the update's own condition, if any.
    pub fn guard(&self, mut update: UpdateBuilder, and: Option<&str>) -> UpdateBuilder {
        for (name, value) in self.values() {
            update = update.expression_attribute_values(name, value);
        }
        update
            .set_key(Some(self.key()))
            .condition_expression(Self::condition(and))
    }

    /// A single `UpdateItem` of the user item, made conditional the same way.
    pub fn guard_request(
        &self,
        mut request: UpdateItemFluentBuilder,
        and: Option<&str>,
    ) -> UpdateItemFluentBuilder {
        for (name, value) in self.values() {
            request = request.expression_attribute_values(name, value);
        }
        request
            .set_key(Some(self.key()))
            .condition_expression(Self::condition(and))
    }
}

/// A condition check being built (more values may be added).
pub struct ConditionCheckDraft(aws_sdk_dynamodb::types::builders::ConditionCheckBuilder);

impl ConditionCheckDraft {
    pub fn value(self, name: &str, value: AttributeValue) -> Self {
        Self(self.0.expression_attribute_values(name, value))
    }

    pub fn name(self, placeholder: &str, attribute: &str) -> Self {
        Self(self.0.expression_attribute_names(placeholder, attribute))
    }

    pub fn build(self) -> Result<ConditionCheck, StoreError> {
        Ok(self.0.build()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_condition_joins_another_one() {
        assert_eq!(Holder::condition(None), STILL_VALID);
        assert_eq!(
            Holder::condition(Some("#role = :m")),
            format!("{STILL_VALID} AND (#role = :m)")
        );
    }
}
