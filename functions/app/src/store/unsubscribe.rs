//! One-click unsubscribe (RFC 8058): a notification email carries a token
//! naming its notification (`<user id>.<notification id>.<secret>`); the
//! notification item keeps the secret's hash. Redeeming it turns the
//! notification's setting off for its user, with no session: the token is
//! the proof. It stays valid (a second click changes nothing) as long as
//! the notification is kept.

use super::{keys, AppStore, NotificationRecord};
use aws_sdk_dynamodb::types::AttributeValue;
use domain::codes::same_hash;
use domain::{OpaqueToken, UserId};
use std::collections::HashMap;
use table::item::key;
use table::{keys as table_keys, StoreError};

/// A parsed unsubscribe token.
pub struct UnsubscribeToken {
    pub user: UserId,
    pub notification: u64,
    pub secret: OpaqueToken,
}

impl UnsubscribeToken {
    /// `None` for anything that cannot be a token: no table read for junk.
    pub fn parse(raw: &str) -> Option<Self> {
        let mut parts = raw.split('.');
        let (user, id, secret) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(Self {
            user: UserId::parse(user).ok()?,
            notification: id.parse().ok()?,
            secret: OpaqueToken::parse(secret)?,
        })
    }

    /// The token for a new notification, and the hash its item keeps.
    pub fn issue(user: &UserId, notification: u64) -> (String, String) {
        let secret = OpaqueToken::generate();
        let token = format!("{user}.{notification}.{}", secret.expose());
        (token, secret.hash())
    }
}

/// The single condition failure an update here can meet.
fn condition_failed<R>(
    e: &aws_sdk_dynamodb::error::SdkError<
        aws_sdk_dynamodb::operation::update_item::UpdateItemError,
        R,
    >,
) -> bool {
    e.as_service_error()
        .is_some_and(|s| s.is_conditional_check_failed_exception())
}

impl AppStore<'_> {
    /// The notification the token names, when the token is its own.
    pub async fn unsubscribe_target(
        &self,
        token: &UnsubscribeToken,
    ) -> Result<Option<NotificationRecord>, StoreError> {
        let item_key = key(
            table_keys::user(&token.user),
            &keys::notification(token.notification),
        );
        let record: Option<NotificationRecord> = self.table.get_record(item_key).await?;
        Ok(record.filter(|r| {
            r.unsubscribe_hash
                .as_deref()
                .is_some_and(|h| same_hash(h, &token.secret.hash()))
        }))
    }

    /// Turns the notification setting `code` off for `user` (whatever it
    /// was: idempotent). `false` when the user is gone. A user item from
    /// before the settings map gets a map with the one setting.
    pub async fn turn_off(&self, user: &UserId, code: &str) -> Result<bool, StoreError> {
        let names = HashMap::from([
            ("#m".to_owned(), "notification_settings".to_owned()),
            ("#k".to_owned(), code.to_owned()),
        ]);
        for _ in 0..2 {
            let into_map = self
                .table
                .client()
                .update_item()
                .table_name(self.name())
                .set_key(Some(key(table_keys::user(user), table_keys::USER_SK)))
                .update_expression("SET #m.#k = :off")
                .condition_expression("attribute_exists(#m)")
                .set_expression_attribute_names(Some(names.clone()))
                .expression_attribute_values(":off", AttributeValue::Bool(false))
                .send()
                .await;
            match into_map {
                Ok(_) => return Ok(true),
                Err(e) if condition_failed(&e) => {}
                Err(e) => return Err(e.into()),
            }
            let map = AttributeValue::M(HashMap::from([(
                code.to_owned(),
                AttributeValue::Bool(false),
            )]));
            let new_map = self
                .table
                .client()
                .update_item()
                .table_name(self.name())
                .set_key(Some(key(table_keys::user(user), table_keys::USER_SK)))
                .update_expression("SET #m = :map")
                .condition_expression("attribute_exists(pk) AND attribute_not_exists(#m)")
                .expression_attribute_names("#m", "notification_settings")
                .expression_attribute_values(":map", map)
                .send()
                .await;
            match new_map {
                Ok(_) => return Ok(true),
                // Gone, or the map appeared meanwhile: once more.
                Err(e) if condition_failed(&e) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_parse_and_junk_does_not() {
        let user = UserId::generate();
        let (token, hash) = UnsubscribeToken::issue(&user, 1_733_000_000_000_123);
        let parsed = UnsubscribeToken::parse(&token).unwrap();
        assert_eq!(parsed.user, user);
        assert_eq!(parsed.notification, 1_733_000_000_000_123);
        assert_eq!(parsed.secret.hash(), hash);
        for bad in ["", "a.b.c", &format!("{token}.x"), &token.replace('.', "-")] {
            assert!(UnsubscribeToken::parse(bad).is_none(), "{bad}");
        }
    }
}
