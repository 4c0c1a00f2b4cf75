use super::cursor::{InvalidCursor, Listing};
use super::item::{from_item, key, s, to_item, Item};
use super::users::Page;
use super::{keys, Store, StoreError};
use domain::UserId;
use serde::{Deserialize, Serialize};

/// An opaque token as stored: only its hash names the item.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenRecord {
    /// What the token is for (`account`, later `session`, …).
    pub kind: String,
    pub user_id: UserId,
    /// Milliseconds; compared with the user's `tokens_valid_after`.
    pub issued_at: i64,
    /// Seconds since the epoch: the table's TTL attribute, and checked in code.
    pub expires_at: i64,
    /// How a session's sign-in was proven (RFC 8176 values: `pwd`, then
    /// `otp` and `mfa` when a second factor was spent). Empty for tokens
    /// that are not sign-ins, and for sessions from before it was kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amr: Vec<String>,
}

/// A token is written once: a (vanishingly unlikely) collision must fail.
const NEW_ITEM: &str = "attribute_not_exists(pk)";

impl TokenRecord {
    pub fn is_expired(&self, now_secs: i64) -> bool {
        now_secs >= self.expires_at
    }

    fn item(&self, hash: &str) -> Result<Item, StoreError> {
        let mut item = to_item(self)?;
        item.extend(key(keys::token(hash), keys::TOKEN_SK));
        // Listed under its user (GSI1), newest last: the sessions list.
        item.insert("gsi1pk".into(), s(keys::user_tokens(&self.user_id)));
        item.insert("gsi1sk".into(), s(keys::by_issue(self.issued_at, hash)));
        Ok(item)
    }

    /// The token as one write of a transaction (never over an existing one).
    pub(crate) fn put(
        &self,
        table: &str,
        hash: &str,
    ) -> Result<aws_sdk_dynamodb::types::Put, StoreError> {
        Ok(aws_sdk_dynamodb::types::Put::builder()
            .table_name(table)
            .set_item(Some(self.item(hash)?))
            .condition_expression(NEW_ITEM)
            .build()?)
    }
}

impl Store {
    /// A new token as one write of a caller's transaction.
    pub fn token_put(
        &self,
        hash: &str,
        record: &TokenRecord,
    ) -> Result<aws_sdk_dynamodb::types::Put, StoreError> {
        record.put(self.table(), hash)
    }

    /// Strongly consistent: a token deleted by a logout must not be found
    /// a moment later on another replica.
    pub async fn get_token(&self, hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        self.get_record(key(keys::token(hash), keys::TOKEN_SK))
            .await
    }

    pub async fn put_token(&self, hash: &str, record: &TokenRecord) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(self.table())
            .set_item(Some(record.item(hash)?))
            .condition_expression(NEW_ITEM)
            .send()
            .await?;
        Ok(())
    }

    pub async fn delete_token(&self, hash: &str) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(self.table())
            .set_key(Some(key(keys::token(hash), keys::TOKEN_SK)))
            .send()
            .await?;
        Ok(())
    }
}

/// A token as listed: its hash (the item's name) and its record.
#[derive(Debug, Clone)]
pub struct ListedToken {
    pub hash: String,
    pub record: TokenRecord,
}

fn user_tokens(user: &UserId) -> Listing {
    Listing {
        name: "user-tokens",
        index: Some(keys::GSI1),
        partition: ("gsi1pk", keys::user_tokens(user)),
        sort: ("gsi1sk", String::new()),
    }
}

impl Store {
    /// A user's tokens, oldest first, one page from the position a sealed
    /// cursor names (expired and voided ones included: the caller filters,
    /// TTL is lazy).
    pub async fn list_user_tokens(
        &self,
        user: &UserId,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<Result<Page<ListedToken>, InvalidCursor>, StoreError> {
        let listing = user_tokens(user);
        let at = match cursor.map(|c| listing.open(c)).transpose() {
            Ok(Some(p)) if p.backward => return Ok(Err(InvalidCursor)),
            Ok(at) => at,
            Err(e) => return Ok(Err(e)),
        };
        let page = self.page(&listing, limit, at.as_ref()).await?;
        let mut items = Vec::with_capacity(page.items.len());
        for item in page.items {
            let hash = item
                .get("pk")
                .and_then(|v| v.as_s().ok())
                .and_then(|pk| pk.strip_prefix(keys::token("").as_str()))
                .unwrap_or_default()
                .to_owned();
            items.push(ListedToken {
                hash,
                record: from_item(item)?,
            });
        }
        let next = page.next.map(|p| listing.seal(&p));
        Ok(Ok(Page { items, next }))
    }
}
