//! The reads and deletes of an erasure (the deletion cascade): the first
//! few items of a listing, deleted or changed, then the first few again.
//! Nothing to remember between batches: what is done is gone from the
//! listing, so a batch is idempotent and a crashed run resumes by itself.

use super::item::{key, Item};
use super::{contention, keys, Store, StoreError};
use aws_sdk_dynamodb::types::{DeleteRequest, WriteRequest};
use domain::UserId;

/// One listing: a partition of the table or of an index, and an optional
/// sort-key prefix.
#[derive(Debug, Clone)]
pub struct Scope<'a> {
    pub index: Option<&'a str>,
    pub partition: (&'a str, String),
    pub sort_prefix: Option<(&'a str, String)>,
}

impl<'a> Scope<'a> {
    /// Items of partition `pk` of the table whose sort key starts `prefix`
    /// (all for "").
    pub fn table(pk: String, prefix: &str) -> Self {
        Self {
            index: None,
            partition: ("pk", pk),
            sort_prefix: (!prefix.is_empty()).then(|| ("sk", prefix.to_owned())),
        }
    }

    /// The partition `pk` of `index` (`gsi1`: attribute `gsi1pk`).
    pub fn index(index: &'a str, attribute: &'a str, pk: String) -> Self {
        Self {
            index: Some(index),
            partition: (attribute, pk),
            sort_prefix: None,
        }
    }
}

/// What an erasure deletes in a batch at most (one BatchWriteItem).
pub const BATCH: usize = 25;

impl Store {
    /// The first `limit` items of `scope`.
    pub async fn first_items(
        &self,
        scope: &Scope<'_>,
        limit: usize,
    ) -> Result<Vec<Item>, StoreError> {
        let mut query = self
            .client
            .query()
            .table_name(self.table())
            .set_index_name(scope.index.map(str::to_owned))
            .expression_attribute_names("#p", scope.partition.0)
            .expression_attribute_values(":p", super::item::s(scope.partition.1.clone()))
            .limit(i32::try_from(limit).unwrap_or(i32::MAX));
        query = match &scope.sort_prefix {
            None => query.key_condition_expression("#p = :p"),
            Some((attribute, prefix)) => query
                .key_condition_expression("#p = :p AND begins_with(#s, :s)")
                .expression_attribute_names("#s", *attribute)
                .expression_attribute_values(":s", super::item::s(prefix.clone())),
        };
        if scope.index.is_none() {
            query = query.consistent_read(true);
        }
        Ok(query.send().await?.items.unwrap_or_default())
    }

    /// Deletes the items of `keys` (absent ones are no error), 25 to a
    /// BatchWriteItem, asking again for what DynamoDB leaves unprocessed.
    pub async fn delete_keys(&self, keys: Vec<Item>) -> Result<(), StoreError> {
        for chunk in keys.chunks(BATCH) {
            let mut pending: Vec<WriteRequest> = chunk
                .iter()
                .map(|k| {
                    let delete = DeleteRequest::builder().set_key(Some(k.clone())).build()?;
                    Ok(WriteRequest::builder().delete_request(delete).build())
                })
                .collect::<Result<_, StoreError>>()?;
            for attempt in 1..=contention::ATTEMPTS {
                if pending.is_empty() {
                    break;
                }
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(self.table(), std::mem::take(&mut pending))
                    .send()
                    .await?;
                pending = out
                    .unprocessed_items
                    .and_then(|mut m| m.remove(self.table()))
                    .unwrap_or_default();
                if !pending.is_empty() {
                    contention::backoff(attempt).await;
                }
            }
            if !pending.is_empty() {
                return Err(StoreError::Unavailable(
                    "erasure: deletes left unprocessed".into(),
                ));
            }
        }
        Ok(())
    }

    /// Every item of `user`'s own partition but the user item, a batch at
    /// a time: `true` once none is left.
    pub async fn erase_partition_step(&self, user: &UserId) -> Result<bool, StoreError> {
        let scope = Scope::table(keys::user(user), "");
        let found = self.first_items(&scope, BATCH + 1).await?;
        let doomed: Vec<Item> = found
            .iter()
            .filter(|i| {
                i.get("sk")
                    .and_then(|v| v.as_s().ok())
                    .is_some_and(|sk| sk != keys::USER_SK)
            })
            .map(key_of)
            .collect();
        let done = doomed.is_empty();
        self.delete_keys(doomed).await?;
        Ok(done)
    }
}

impl Store {
    /// The user's passkeys (functions/passkeys), a batch at a time: each
    /// credential by its id and its entry in the partition, before the
    /// partition sweep would take the entries that point at them. `true`
    /// once none is left.
    pub async fn erase_passkeys_step(&self, user: &UserId) -> Result<bool, StoreError> {
        let scope = Scope::table(keys::user(user), keys::USER_PASSKEY_PREFIX);
        let found = self.first_items(&scope, BATCH / 2).await?;
        let mut doomed = Vec::with_capacity(found.len() * 2);
        for entry in &found {
            let sk = text(entry, "sk");
            let id = sk.strip_prefix(keys::USER_PASSKEY_PREFIX).unwrap_or(&sk);
            doomed.push(key(keys::passkey(id), keys::PASSKEY_SK));
            doomed.push(key_of(entry));
        }
        let done = doomed.is_empty();
        self.delete_keys(doomed).await?;
        Ok(done)
    }
}

/// The primary key of a stored item.
pub fn key_of(item: &Item) -> Item {
    key(text(item, "pk"), &text(item, "sk"))
}

impl Store {
    /// A batch of `user`'s credentials and what hangs off them: opaque
    /// tokens (sessions, account tokens) with the grants a session made,
    /// devices, OAuth codes, refresh families, one-time code pointers.
    /// `true` once none is left. Runs before the partition sweep, which
    /// takes the families' and codes' entries in the user's partition.
    pub async fn erase_credentials_step(&self, user: &UserId) -> Result<bool, StoreError> {
        let tokens = Scope::index(keys::GSI1, "gsi1pk", keys::user_tokens(user));
        let found = self.first_items(&tokens, BATCH).await?;
        if !found.is_empty() {
            for item in &found {
                let hash = text(item, "pk").trim_start_matches("TOKEN#").to_owned();
                let grants = Scope::table(keys::session_grants(&hash), "");
                let granted = self.first_items(&grants, 100).await?;
                self.delete_keys(granted.iter().map(key_of).collect())
                    .await?;
            }
            self.delete_keys(found.iter().map(key_of).collect()).await?;
            return Ok(false);
        }
        for scope in [
            Scope::index(keys::GSI2, "gsi2pk", keys::user_devices(user)),
            Scope::index(keys::GSI2, "gsi2pk", keys::user_oauth_codes(user)),
        ] {
            let found = self.first_items(&scope, BATCH).await?;
            if !found.is_empty() {
                self.delete_keys(found.iter().map(key_of).collect()).await?;
                return Ok(false);
            }
        }
        self.erase_pointed(user).await?;
        Ok(true)
    }

    /// Items named from the user's partition: the refresh family of each
    /// app grant, the pointer of each one-time code slot (the partition
    /// sweep then takes the grants and slots themselves).
    async fn erase_pointed(&self, user: &UserId) -> Result<(), StoreError> {
        let grants = Scope::table(keys::user(user), "APPGRANT#");
        let slots = Scope::table(keys::user(user), "CODE#");
        let (grants, slots) = tokio::join!(
            self.first_items(&grants, 1000),
            self.first_items(&slots, 100)
        );
        let mut doomed: Vec<Item> = grants?
            .iter()
            .map(|g| {
                key(
                    keys::oauth_family(&text(g, "family_id")),
                    keys::OAUTH_FAMILY_SK,
                )
            })
            .collect();
        doomed.extend(
            slots?
                .iter()
                .map(|c| key(keys::code_pointer(&text(c, "code_hash")), keys::CODE_SK)),
        );
        self.delete_keys(doomed).await
    }
}

fn text(item: &Item, attribute: &str) -> String {
    item.get(attribute)
        .and_then(|v| v.as_s().ok())
        .cloned()
        .unwrap_or_default()
}
