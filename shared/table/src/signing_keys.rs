//! JWT signing keys as items: `SIGNING_KEYS` / `KEY#<kid>`. The private
//! key is sealed (PKCS#8 under a KMS data key: domain::sealed), the public
//! half kept as JWK coordinates, so verifiers and the JWKS endpoint never
//! need the private key and cannot open it (docs/security.md).

use super::item::key;
use super::{keys, Store, StoreError};
use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};

/// Where a key is in its life: `active` keys sign (the newest one) and
/// verify; `published` keys were rotated out and still verify (and stay in
/// the JWKS) until their last tokens expire; `retired` keys do neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyStatus {
    Active,
    Published,
    Retired,
}

impl KeyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Active => "active",
            KeyStatus::Published => "published",
            KeyStatus::Retired => "retired",
        }
    }

    /// Whether tokens signed with the key are still accepted.
    pub fn verifies(self) -> bool {
        self != KeyStatus::Retired
    }
}

#[derive(Clone, Serialize, Deserialize)]
pub struct SigningKeyRecord {
    pub kid: String,
    /// JOSE algorithm name (`ES256`).
    pub alg: String,
    /// The private key's PKCS#8, sealed for the purpose `signing-key`.
    pub private: domain::sealed::Sealed,
    /// Public JWK coordinates (base64url, P-256).
    pub x: String,
    pub y: String,
    pub status: KeyStatus,
    /// Milliseconds; the newest active key signs.
    pub created_at: i64,
}

impl std::fmt::Debug for SigningKeyRecord {
    // Never print the private key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKeyRecord")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("status", &self.status)
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Every signing key, whatever its status (one Query, one partition).
    pub async fn list_signing_keys(&self) -> Result<Vec<SigningKeyRecord>, StoreError> {
        self.partition_records(keys::SIGNING_KEYS.to_owned()).await
    }

    pub async fn put_signing_key(&self, record: &SigningKeyRecord) -> Result<(), StoreError> {
        let mut item = super::to_item(record)?;
        item.extend(key(
            keys::SIGNING_KEYS.to_owned(),
            &keys::signing_key(&record.kid),
        ));
        self.client
            .put_item()
            .table_name(self.table())
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await?;
        Ok(())
    }

    /// Moves a key to `status`; false when no such key exists.
    pub async fn set_signing_key_status(
        &self,
        kid: &str,
        status: KeyStatus,
    ) -> Result<bool, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(
                keys::SIGNING_KEYS.to_owned(),
                &keys::signing_key(kid),
            )))
            .update_expression("SET #s = :s")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#s", "status")
            .expression_attribute_values(":s", AttributeValue::S(status.as_str().to_owned()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }
}
