//! The suppression list: addresses the platform no longer mails because
//! they bounced for good or their owner marked a message as spam (SES's
//! bounce and complaint events, through the notifier). One item per
//! address (`SUPPRESSED#<lowercase address>` / `SUPPRESSED`), read by the
//! notifier before every send. And the one attribute of a user the
//! notifier reads: their language.

use crate::item::{key, s, Item};
use crate::{keys, Store, StoreError};
use domain::UserId;
use serde::{Deserialize, Serialize};

/// Why an address is on the list, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// `bounce` or `complaint`.
    pub reason: String,
    /// When the event that put it there happened (RFC 3339, as SES says).
    pub at: String,
}

fn suppression_key(address: &str) -> Item {
    key(
        format!(
            "{}{}",
            keys::SUPPRESSED_PREFIX,
            address.trim().to_lowercase()
        ),
        keys::SUPPRESSED_SK,
    )
}

impl Store {
    /// Puts `address` on the list (again: the newest event wins).
    pub async fn suppress(&self, address: &str, entry: &Suppression) -> Result<(), StoreError> {
        let mut item = suppression_key(address);
        item.insert("reason".into(), s(entry.reason.as_str()));
        item.insert("at".into(), s(entry.at.as_str()));
        self.client()
            .put_item()
            .table_name(self.table())
            .set_item(Some(item))
            .send()
            .await?;
        Ok(())
    }

    /// Whether `address` is on the list, and why.
    pub async fn suppression(&self, address: &str) -> Result<Option<Suppression>, StoreError> {
        self.get_record(suppression_key(address)).await
    }

    /// The language of the account `id` (`None`: unset, or no such account).
    pub async fn user_language(&self, id: &UserId) -> Result<Option<String>, StoreError> {
        #[derive(Deserialize)]
        struct Language {
            language: Option<String>,
        }
        let out = self
            .client()
            .get_item()
            .table_name(self.table())
            .set_key(Some(key(keys::user(id), keys::USER_SK)))
            .projection_expression("#l")
            .expression_attribute_names("#l", "language")
            .send()
            .await?;
        let found: Option<Language> = out.item.map(crate::from_item).transpose()?;
        Ok(found.and_then(|l| l.language))
    }
}
