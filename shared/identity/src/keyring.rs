//! The JWT signing keys in memory: generated here (ES256, P-256), stored as
//! table items (`store::SigningKeyRecord`), loaded once per process and
//! cached for a minute so a rotation reaches every warm Lambda without a
//! redeploy. A token naming a kid the cache does not know triggers an early
//! reload (at most every few seconds), so a key created by another process a
//! moment ago verifies at once.

use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use domain::time;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use table::{KeyStatus, SigningKeyRecord, Store, StoreError};

/// The one algorithm access tokens are signed and verified with.
pub const ALGORITHM: Algorithm = Algorithm::ES256;
const ALG_NAME: &str = "ES256";
/// How long a loaded key ring is trusted before the table is read again.
const CACHE_TTL: Duration = Duration::from_secs(60);
/// The soonest an unknown kid may force a reload.
const MIN_RELOAD: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("no active signing key: run `platform signing-key create`")]
    NoActiveKey,
    #[error("signing key {0} is unreadable")]
    Unreadable(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A public key as JWKS publishes it (RFC 7517/7518).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PublicJwk {
    pub kty: &'static str,
    pub crv: &'static str,
    pub x: String,
    pub y: String,
    pub kid: String,
    pub alg: &'static str,
    #[serde(rename = "use")]
    pub use_: &'static str,
}

pub struct Signer {
    pub kid: String,
    pub key: EncodingKey,
}

/// The keys of one load: the one that signs, those that verify, and the
/// JWKS view of the latter.
pub struct KeyRing {
    signer: Option<Signer>,
    verifiers: HashMap<String, DecodingKey>,
    jwks: Vec<PublicJwk>,
}

impl KeyRing {
    pub fn from_records(mut records: Vec<SigningKeyRecord>) -> Result<Self, KeyError> {
        // Newest first: the newest active key signs.
        records.sort_by_key(|r| std::cmp::Reverse(r.created_at));
        let mut ring = KeyRing {
            signer: None,
            verifiers: HashMap::new(),
            jwks: Vec::new(),
        };
        for r in records
            .into_iter()
            .filter(|r| r.status.verifies() && r.alg == ALG_NAME)
        {
            let unreadable = || KeyError::Unreadable(r.kid.clone());
            let decoding = DecodingKey::from_ec_components(&r.x, &r.y).map_err(|_| unreadable())?;
            if ring.signer.is_none() && r.status == KeyStatus::Active {
                ring.signer = Some(Signer {
                    kid: r.kid.clone(),
                    key: EncodingKey::from_ec_pem(r.private_pem.as_bytes())
                        .map_err(|_| unreadable())?,
                });
            }
            ring.verifiers.insert(r.kid.clone(), decoding);
            ring.jwks.push(PublicJwk {
                kty: "EC",
                crv: "P-256",
                x: r.x,
                y: r.y,
                kid: r.kid,
                alg: ALG_NAME,
                use_: "sig",
            });
        }
        Ok(ring)
    }

    pub fn signer(&self) -> Result<&Signer, KeyError> {
        self.signer.as_ref().ok_or(KeyError::NoActiveKey)
    }

    pub fn verifier(&self, kid: &str) -> Option<&DecodingKey> {
        self.verifiers.get(kid)
    }

    /// Every key that still verifies, newest first.
    pub fn jwks(&self) -> &[PublicJwk] {
        &self.jwks
    }
}

/// A fresh ES256 key pair as a record with the given status.
pub fn generate(status: KeyStatus) -> SigningKeyRecord {
    let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING)
        .expect("the system CSPRNG generates a P-256 key");
    let pkcs8 = pair
        .to_pkcs8v1()
        .expect("a generated key serializes to PKCS#8");
    // Uncompressed SEC1 point: 0x04 || x (32 bytes) || y (32 bytes).
    let point = pair.public_key().as_ref();
    let (x, y) = point[1..].split_at(32);
    let created_at = time::now_ms();
    let random: [u8; 6] = rand::random();
    SigningKeyRecord {
        // Sortable by creation, unique by the random tail.
        kid: format!("{created_at:x}-{}", hex::encode(random)),
        alg: ALG_NAME.to_owned(),
        private_pem: pem("PRIVATE KEY", pkcs8.as_ref()),
        x: URL_SAFE_NO_PAD.encode(x),
        y: URL_SAFE_NO_PAD.encode(y),
        status,
        created_at,
    }
}

fn pem(label: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Creates an active key when none exists (bootstrap, tests). Returns the
/// kid of the key created, if any. Two racing callers may both create one:
/// harmless, the newer signs and both verify.
pub async fn ensure_active_key(store: &Store) -> Result<Option<String>, StoreError> {
    let records = store.list_signing_keys().await?;
    if records.iter().any(|r| r.status == KeyStatus::Active) {
        return Ok(None);
    }
    let record = generate(KeyStatus::Active);
    store.put_signing_key(&record).await?;
    Ok(Some(record.kid))
}

/// A new active key; the keys active before it keep verifying (`published`)
/// until an operator retires them, after their tokens have expired.
pub async fn rotate(store: &Store) -> Result<(String, Vec<String>), StoreError> {
    let before = store.list_signing_keys().await?;
    let record = generate(KeyStatus::Active);
    store.put_signing_key(&record).await?;
    let mut demoted = Vec::new();
    for old in before.iter().filter(|r| r.status == KeyStatus::Active) {
        store
            .set_signing_key_status(&old.kid, KeyStatus::Published)
            .await?;
        demoted.push(old.kid.clone());
    }
    Ok((record.kid, demoted))
}

struct Cached {
    loaded: Instant,
    ring: Arc<KeyRing>,
}

/// The per-process cache of the key ring (lives in `AppState`).
#[derive(Clone, Default)]
pub struct KeyCache {
    inner: Arc<Mutex<Option<Cached>>>,
}

impl KeyCache {
    /// The key ring, from the cache while it is fresh.
    pub async fn ring(&self, store: &Store) -> Result<Arc<KeyRing>, KeyError> {
        if let Some(ring) = self.fresh(CACHE_TTL) {
            return Ok(ring);
        }
        self.reload(store).await
    }

    /// The verifying key for `kid`, reloading early when the kid is unknown
    /// and the cache is older than a few seconds.
    pub async fn verifier(
        &self,
        store: &Store,
        kid: &str,
    ) -> Result<Option<DecodingKey>, KeyError> {
        let ring = self.ring(store).await?;
        if let Some(key) = ring.verifier(kid) {
            return Ok(Some(key.clone()));
        }
        if self.fresh(MIN_RELOAD).is_some() {
            return Ok(None);
        }
        Ok(self.reload(store).await?.verifier(kid).cloned())
    }

    /// Forgets the cached ring (after a rotation in this process).
    pub fn invalidate(&self) {
        *self.inner.lock().expect("key cache lock") = None;
    }

    fn fresh(&self, max_age: Duration) -> Option<Arc<KeyRing>> {
        let guard = self.inner.lock().expect("key cache lock");
        guard
            .as_ref()
            .filter(|c| c.loaded.elapsed() < max_age)
            .map(|c| c.ring.clone())
    }

    async fn reload(&self, store: &Store) -> Result<Arc<KeyRing>, KeyError> {
        let ring = Arc::new(KeyRing::from_records(store.list_signing_keys().await?)?);
        *self.inner.lock().expect("key cache lock") = Some(Cached {
            loaded: Instant::now(),
            ring: ring.clone(),
        });
        Ok(ring)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_load_sign_and_publish() {
        let active = generate(KeyStatus::Active);
        assert!(active
            .private_pem
            .starts_with("-----BEGIN PRIVATE KEY-----\n"));
        assert!(!format!("{active:?}").contains("PRIVATE"));
        let mut published = generate(KeyStatus::Published);
        published.created_at = active.created_at + 1;
        let retired = generate(KeyStatus::Retired);
        let ring = KeyRing::from_records(vec![published.clone(), active.clone(), retired.clone()])
            .unwrap();
        // The newest *active* key signs, even if a published one is newer.
        assert_eq!(ring.signer().unwrap().kid, active.kid);
        assert!(ring.verifier(&published.kid).is_some());
        assert!(ring.verifier(&retired.kid).is_none());
        let kids: Vec<&str> = ring.jwks().iter().map(|k| k.kid.as_str()).collect();
        assert_eq!(kids, [published.kid.as_str(), active.kid.as_str()]);
        let jwk = serde_json::to_value(&ring.jwks()[0]).unwrap();
        assert_eq!(jwk["kty"], "EC");
        assert_eq!(jwk["use"], "sig");
        assert_eq!(jwk["x"].as_str().unwrap().len(), 43);
    }

    #[test]
    fn no_active_key_means_no_signer() {
        let ring = KeyRing::from_records(vec![generate(KeyStatus::Published)]).unwrap();
        assert!(matches!(ring.signer(), Err(KeyError::NoActiveKey)));
    }
}
