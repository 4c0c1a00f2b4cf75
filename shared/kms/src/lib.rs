//! KMS as the key service of `domain::sealed`: `GenerateDataKey` makes a
//! data key under the platform's secrets key, `Decrypt` unwraps one, both
//! with the encryption context `{"purpose": <purpose>}`, which the
//! template's IAM policies name: a role may unwrap only the purposes it
//! needs (the token signer its signing keys, the Social Networks API its
//! networks' secrets), and CloudTrail records each use.
//!
//! Only the functions that seal or open secrets link this crate (and the
//! KMS SDK): the OAuth server, the Social Networks API, the operator CLI.

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::DataKeySpec;
use domain::sealed::{DataKey, KeyFuture, KeyWrap, SealError};

/// The key data keys are made under: `SECRETS_KEY_ID` (a key id, ARN or
/// `alias/…`), by default the alias `platform bootstrap` creates locally.
pub fn key_id_from_env() -> String {
    std::env::var("SECRETS_KEY_ID")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| DEFAULT_ALIAS.to_owned())
}

pub const DEFAULT_ALIAS: &str = "alias/platform-secrets";

/// The KMS client is built on first use, not at init: most requests of
/// the functions that hold one never need it (cold start, docs/performance.md).
#[derive(Clone)]
pub struct Kms {
    sdk: table::aws::SdkConfig,
    client: std::sync::OnceLock<aws_sdk_kms::Client>,
    key_id: String,
}

impl Kms {
    pub fn new(sdk: &table::aws::SdkConfig, key_id: impl Into<String>) -> Self {
        Self {
            sdk: sdk.clone(),
            client: std::sync::OnceLock::new(),
            key_id: key_id.into(),
        }
    }

    fn client(&self) -> &aws_sdk_kms::Client {
        self.client
            .get_or_init(|| aws_sdk_kms::Client::new(&self.sdk))
    }

    /// The key service of the environment (`SECRETS_KEY_ID`).
    pub fn from_env(sdk: &table::aws::SdkConfig) -> Self {
        Self::new(sdk, key_id_from_env())
    }

    /// Creates the secrets key and its alias when the alias names nothing
    /// (local stack and tests; the template declares both in the cloud).
    pub async fn ensure_key(&self) -> Result<(), String> {
        let alias = &self.key_id;
        if !alias.starts_with("alias/") || self.described().await {
            return Ok(());
        }
        let key = self
            .client()
            .create_key()
            .description("platform secrets (envelope encryption)")
            .send()
            .await
            .map_err(|e| format!("create key: {}", aws_sdk_kms::error::DisplayErrorContext(e)))?;
        let id = key
            .key_metadata()
            .map(|m| m.key_id().to_owned())
            .unwrap_or_default();
        match self
            .client()
            .create_alias()
            .alias_name(alias)
            .target_key_id(id)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            // Another process created it meanwhile: theirs serves.
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_already_exists_exception()) =>
            {
                Ok(())
            }
            Err(e) => Err(format!(
                "create alias: {}",
                aws_sdk_kms::error::DisplayErrorContext(e)
            )),
        }
    }

    async fn described(&self) -> bool {
        self.client()
            .describe_key()
            .key_id(&self.key_id)
            .send()
            .await
            .is_ok()
    }
}

fn service(e: impl std::error::Error + Send + Sync + 'static) -> SealError {
    SealError::KeyService(aws_sdk_kms::error::DisplayErrorContext(e).to_string())
}

impl KeyWrap for Kms {
    fn new_key<'a>(&'a self, purpose: &'a str) -> KeyFuture<'a, DataKey> {
        Box::pin(async move {
            let out = self
                .client()
                .generate_data_key()
                .key_id(&self.key_id)
                .key_spec(DataKeySpec::Aes256)
                .encryption_context("purpose", purpose)
                .send()
                .await
                .map_err(service)?;
            let (Some(plaintext), Some(wrapped)) = (out.plaintext, out.ciphertext_blob) else {
                return Err(SealError::KeyService("no data key in the answer".into()));
            };
            Ok(DataKey {
                plaintext: plaintext.into_inner(),
                wrapped: wrapped.into_inner(),
            })
        })
    }

    fn unwrap_key<'a>(&'a self, purpose: &'a str, wrapped: &'a [u8]) -> KeyFuture<'a, Vec<u8>> {
        Box::pin(async move {
            let out = self
                .client()
                .decrypt()
                .ciphertext_blob(Blob::new(wrapped))
                .encryption_context("purpose", purpose)
                .send()
                .await
                .map_err(|e| {
                    if e.as_service_error()
                        .is_some_and(|s| s.is_invalid_ciphertext_exception())
                    {
                        SealError::Corrupt
                    } else {
                        service(e)
                    }
                })?;
            out.plaintext
                .map(Blob::into_inner)
                .ok_or_else(|| SealError::KeyService("no plaintext in the answer".into()))
        })
    }
}
