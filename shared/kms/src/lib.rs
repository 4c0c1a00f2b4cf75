//! KMS as the key service of `domain::sealed`: `GenerateDataKey` makes a
//! data key under the platform's secrets key, `Decrypt` unwraps one, both
//! with the encryption context `{"purpose": <purpose>}`, which the
//! template's IAM policies name: a role may unwrap only the purposes it
//! needs (the token signer its signing keys, the Social Networks API its
//! networks' secrets), and CloudTrail records each use.
//!
//! Only the functions that seal or open secrets link this crate: the OAuth
//! server, the Social Networks API, the pages, webhooks, the operator CLI.
//! It speaks KMS's JSON protocol itself (`call.rs`), without the KMS SDK.

mod call;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use call::{CallError, Endpoint};
use domain::sealed::{DataKey, KeyFuture, KeyWrap, SealError};
use serde_json::{json, Value};

/// The key data keys are made under: `SECRETS_KEY_ID` (a key id, ARN or
/// `alias/…`), by default the alias `platform bootstrap` creates locally.
pub fn key_id_from_env() -> String {
    std::env::var("SECRETS_KEY_ID")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| DEFAULT_ALIAS.to_owned())
}

pub const DEFAULT_ALIAS: &str = "alias/platform-secrets";

/// The HTTP client is built on first use, not at init: most requests of
/// the functions that hold one never need it (cold start, docs/performance.md).
#[derive(Clone)]
pub struct Kms {
    sdk: table::aws::SdkConfig,
    endpoint: std::sync::Arc<std::sync::OnceLock<Endpoint>>,
    key_id: String,
}

impl Kms {
    pub fn new(sdk: &table::aws::SdkConfig, key_id: impl Into<String>) -> Self {
        Self {
            sdk: sdk.clone(),
            endpoint: Default::default(),
            key_id: key_id.into(),
        }
    }

    fn endpoint(&self) -> &Endpoint {
        self.endpoint.get_or_init(|| Endpoint::new(&self.sdk))
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
        let input = json!({ "Description": "platform secrets (envelope encryption)" });
        let key = self
            .endpoint()
            .call("CreateKey", &input)
            .await
            .map_err(|e| format!("create key: {e}"))?;
        let id = key
            .pointer("/KeyMetadata/KeyId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let input = json!({ "AliasName": alias, "TargetKeyId": id });
        match self.endpoint().call("CreateAlias", &input).await {
            Ok(_) => Ok(()),
            // Another process created it meanwhile: theirs serves.
            Err(e) if e.is("AlreadyExistsException") => Ok(()),
            Err(e) => Err(format!("create alias: {e}")),
        }
    }

    async fn described(&self) -> bool {
        let input = json!({ "KeyId": self.key_id });
        self.endpoint().call("DescribeKey", &input).await.is_ok()
    }
}

fn service(e: CallError) -> SealError {
    SealError::KeyService(e.to_string())
}

/// A blob of the answer (base64 in KMS's JSON).
fn blob(answer: &Value, field: &str) -> Result<Vec<u8>, SealError> {
    answer
        .get(field)
        .and_then(Value::as_str)
        .and_then(|b| B64.decode(b).ok())
        .ok_or_else(|| SealError::KeyService(format!("no {field} in the answer")))
}

impl KeyWrap for Kms {
    fn new_key<'a>(&'a self, purpose: &'a str) -> KeyFuture<'a, DataKey> {
        Box::pin(async move {
            let input = json!({
                "KeyId": self.key_id,
                "KeySpec": "AES_256",
                "EncryptionContext": { "purpose": purpose },
            });
            let out = self
                .endpoint()
                .call("GenerateDataKey", &input)
                .await
                .map_err(service)?;
            Ok(DataKey {
                plaintext: blob(&out, "Plaintext")?,
                wrapped: blob(&out, "CiphertextBlob")?,
            })
        })
    }

    fn unwrap_key<'a>(&'a self, purpose: &'a str, wrapped: &'a [u8]) -> KeyFuture<'a, Vec<u8>> {
        Box::pin(async move {
            let input = json!({
                "CiphertextBlob": B64.encode(wrapped),
                "EncryptionContext": { "purpose": purpose },
            });
            let out = self.endpoint().call("Decrypt", &input).await.map_err(|e| {
                match e.is("InvalidCiphertextException") {
                    true => SealError::Corrupt,
                    false => service(e),
                }
            })?;
            blob(&out, "Plaintext")
        })
    }
}
