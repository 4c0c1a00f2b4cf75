//! API keys as stored: a lookup item named by the key's hash (what a request
//! reads, one GetItem) and a metadata item in the `APIKEYS` partition (what
//! the operator lists and revokes by id). The key itself is never stored.

use super::item::{from_item, key, s, to_item};
use super::TxError;
use super::{keys, Store, StoreError};
use aws_sdk_dynamodb::types::{Delete, Put, Update};
use chrono::{DateTime, Utc};
use domain::Permission;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyRecord {
    pub id: String,
    pub name: String,
    pub permissions: Vec<Permission>,
    pub created_at: DateTime<Utc>,
    /// Set on the metadata item when revoked (the lookup item is deleted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiKeyRecord {
    pub fn allows(&self, needed: Permission) -> bool {
        self.revoked_at.is_none() && self.permissions.contains(&needed)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RevokeApiKeyError {
    #[error("no API key with that id")]
    NotFound,
    #[error("the API key is already revoked")]
    AlreadyRevoked,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    /// Stores a new key's lookup and metadata items in one transaction.
    pub async fn put_api_key(&self, hash: &str, record: &ApiKeyRecord) -> Result<(), StoreError> {
        let table = self.table();
        let mut lookup = to_item(record)?;
        lookup.extend(key(keys::api_key(hash), keys::API_KEY_SK));
        let mut meta = to_item(record)?;
        meta.extend(key(
            keys::API_KEYS.to_owned(),
            &keys::api_key_meta(&record.id),
        ));
        meta.insert("key_hash".into(), s(hash));
        let put = |item| {
            Put::builder()
                .table_name(table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(pk)")
                .build()
        };
        // Both keys are fresh random values: a failed condition is a
        // collision, passing like any other.
        #[derive(Debug, Clone, Copy, PartialEq)]
        enum Fresh {
            Lookup,
            Meta,
        }
        self.transaction()
            .put_if(Fresh::Lookup, put(lookup)?)
            .put_if(Fresh::Meta, put(meta)?)
            .commit()
            .await
            .map_err(TxError::into_store_error)
    }

    /// The live key a hash names (one strongly consistent GetItem, so a
    /// revocation takes effect at once).
    pub async fn get_api_key(&self, hash: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
        self.get_record(key(keys::api_key(hash), keys::API_KEY_SK))
            .await
    }

    /// Every key's metadata, revoked ones included (a Query on one partition).
    pub async fn list_api_keys(&self) -> Result<Vec<ApiKeyRecord>, StoreError> {
        let mut records: Vec<ApiKeyRecord> =
            self.partition_records(keys::API_KEYS.to_owned()).await?;
        records.sort_by_key(|r| r.created_at);
        Ok(records)
    }

    /// Deletes the lookup item (the key stops working at once) and stamps
    /// the metadata, in one transaction.
    pub async fn revoke_api_key(&self, id: &str) -> Result<ApiKeyRecord, RevokeApiKeyError> {
        let table = self.table();
        let meta_key = key(keys::API_KEYS.to_owned(), &keys::api_key_meta(id));
        let out = self
            .client
            .get_item()
            .table_name(table)
            .set_key(Some(meta_key.clone()))
            .consistent_read(true)
            .send()
            .await
            .map_err(StoreError::from)?;
        let Some(item) = out.item else {
            return Err(RevokeApiKeyError::NotFound);
        };
        let hash = item
            .get("key_hash")
            .and_then(|v| v.as_s().ok())
            .cloned()
            .ok_or_else(|| StoreError::Corrupt("api key without key_hash".into()))?;
        let mut record: ApiKeyRecord = from_item(item)?;
        if record.revoked_at.is_some() {
            return Err(RevokeApiKeyError::AlreadyRevoked);
        }
        let now = domain::time::now();
        let delete = Delete::builder()
            .table_name(table)
            .set_key(Some(key(keys::api_key(&hash), keys::API_KEY_SK)))
            .build()
            .map_err(StoreError::from)?;
        let stamp = Update::builder()
            .table_name(table)
            .set_key(Some(meta_key))
            .update_expression("SET revoked_at = :now")
            .condition_expression("attribute_exists(pk) AND attribute_not_exists(revoked_at)")
            .expression_attribute_values(":now", s(now.to_rfc3339()))
            .build()
            .map_err(StoreError::from)?;
        #[derive(Debug, Clone, Copy, PartialEq)]
        enum Revoke {
            StillLive,
        }
        match self
            .transaction()
            .delete(delete)
            .update_if(Revoke::StillLive, stamp)
            .commit()
            .await
        {
            Ok(()) => {
                record.revoked_at = Some(now);
                Ok(record)
            }
            Err(TxError::Failed(_)) => Err(RevokeApiKeyError::AlreadyRevoked),
            Err(TxError::Store(e)) => Err(e.into()),
        }
    }
}
