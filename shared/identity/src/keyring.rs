//! The JWT signing keys. A key pair is generated here (ES256, P-256); its
//! record in the table keeps the public half in clear (JWK coordinates, for
//! verifiers and the JWKS) and the private half **sealed** (PKCS#8 under a
//! KMS data key, purpose `signing-key`: domain::sealed), so only a function
//! whose role may unwrap that purpose can sign. Every function loads the
//! ring to verify, once per process and then each minute, so a rotation
//! reaches every warm Lambda without a redeploy; a token naming a kid the
//! cache does not know triggers an early reload (at most every few
//! seconds). The signing function opens the active key once per key and
//! process (one KMS call), then signs from memory.

use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair as _, ECDSA_P256_SHA256_FIXED_SIGNING};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use domain::sealed::{self, KeyWrap, SealError, Sealed};
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
/// The sealing purpose (KMS encryption context) of private signing keys.
pub const PURPOSE: &str = "signing-key";
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
    /// This process has no key service: it verifies, it does not sign.
    #[error("this function cannot sign (no key service)")]
    CannotSign,
    #[error(transparent)]
    Seal(#[from] SealError),
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

/// A fresh key pair in memory: what signs, before it is stored sealed.
pub struct KeyPair {
    pub kid: String,
    pkcs8: Vec<u8>,
    x: String,
    y: String,
    created_at: i64,
}

impl KeyPair {
    pub fn generate() -> Self {
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
        Self {
            // Sortable by creation, unique by the random tail.
            kid: format!("{created_at:x}-{}", hex::encode(random)),
            pkcs8: pkcs8.as_ref().to_vec(),
            x: URL_SAFE_NO_PAD.encode(x),
            y: URL_SAFE_NO_PAD.encode(y),
            created_at,
        }
    }

    pub fn signer(&self) -> Signer {
        Signer {
            kid: self.kid.clone(),
            key: EncodingKey::from_ec_der(&self.pkcs8),
        }
    }

    /// The record to store: the private half sealed for [`PURPOSE`].
    pub async fn seal(
        &self,
        status: KeyStatus,
        wrap: &dyn KeyWrap,
    ) -> Result<SigningKeyRecord, SealError> {
        Ok(self.record(status, sealed::seal(wrap, PURPOSE, &self.pkcs8).await?))
    }

    /// The record around an already sealed private half.
    pub fn record(&self, status: KeyStatus, private: Sealed) -> SigningKeyRecord {
        SigningKeyRecord {
            kid: self.kid.clone(),
            alg: ALG_NAME.to_owned(),
            private,
            x: self.x.clone(),
            y: self.y.clone(),
            status,
            created_at: self.created_at,
        }
    }
}

/// The keys of one load: those that verify, their JWKS view, and which
/// one signs (its private half still sealed).
pub struct KeyRing {
    active: Option<(String, Sealed)>,
    verifiers: HashMap<String, DecodingKey>,
    jwks: Vec<PublicJwk>,
}

impl KeyRing {
    pub fn from_records(mut records: Vec<SigningKeyRecord>) -> Result<Self, KeyError> {
        // Newest first: the newest active key signs.
        records.sort_by_key(|r| std::cmp::Reverse(r.created_at));
        let mut ring = KeyRing {
            active: None,
            verifiers: HashMap::new(),
            jwks: Vec::new(),
        };
        for r in records
            .into_iter()
            .filter(|r| r.status.verifies() && r.alg == ALG_NAME)
        {
            let decoding = DecodingKey::from_ec_components(&r.x, &r.y)
                .map_err(|_| KeyError::Unreadable(r.kid.clone()))?;
            if ring.active.is_none() && r.status == KeyStatus::Active {
                ring.active = Some((r.kid.clone(), r.private.clone()));
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

    /// The kid of the key that signs, and its sealed private half.
    pub fn active(&self) -> Result<(&str, &Sealed), KeyError> {
        self.active
            .as_ref()
            .map(|(kid, sealed)| (kid.as_str(), sealed))
            .ok_or(KeyError::NoActiveKey)
    }

    pub fn verifier(&self, kid: &str) -> Option<&DecodingKey> {
        self.verifiers.get(kid)
    }

    /// Every key that still verifies, newest first.
    pub fn jwks(&self) -> &[PublicJwk] {
        &self.jwks
    }
}

/// Opens a sealed private key into a signer (one KMS call).
pub async fn open_signer(
    wrap: &dyn KeyWrap,
    kid: &str,
    sealed: &Sealed,
) -> Result<Signer, KeyError> {
    let pkcs8 = sealed::open(wrap, PURPOSE, sealed).await?;
    // The PKCS#8 must be a P-256 key: refuse anything else now, not at sign.
    EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8)
        .map_err(|_| KeyError::Unreadable(kid.to_owned()))?;
    Ok(Signer {
        kid: kid.to_owned(),
        key: EncodingKey::from_ec_der(&pkcs8),
    })
}

/// Creates an active key when none exists (bootstrap, tests). Returns the
/// kid of the key created, if any. Two racing callers may both create one:
/// harmless, the newer signs and both verify.
pub async fn ensure_active_key(
    store: &Store,
    wrap: &dyn KeyWrap,
) -> Result<Option<String>, KeyError> {
    let records = store.list_signing_keys().await?;
    if records.iter().any(|r| r.status == KeyStatus::Active) {
        return Ok(None);
    }
    let pair = KeyPair::generate();
    store
        .put_signing_key(&pair.seal(KeyStatus::Active, wrap).await?)
        .await?;
    Ok(Some(pair.kid))
}

/// A new active key; the keys active before it keep verifying (`published`)
/// until an operator retires them, after their tokens have expired.
pub async fn rotate(store: &Store, wrap: &dyn KeyWrap) -> Result<(String, Vec<String>), KeyError> {
    let before = store.list_signing_keys().await?;
    let pair = KeyPair::generate();
    store
        .put_signing_key(&pair.seal(KeyStatus::Active, wrap).await?)
        .await?;
    let mut demoted = Vec::new();
    for old in before.iter().filter(|r| r.status == KeyStatus::Active) {
        store
            .set_signing_key_status(&old.kid, KeyStatus::Published)
            .await?;
        demoted.push(old.kid.clone());
    }
    Ok((pair.kid, demoted))
}

struct Cached {
    loaded: Instant,
    ring: Arc<KeyRing>,
}

/// The per-process cache of the key ring and of the signers opened from it
/// (lives in `AppState`).
#[derive(Clone, Default)]
pub struct KeyCache {
    inner: Arc<Mutex<Option<Cached>>>,
    signers: Arc<Mutex<HashMap<String, Arc<Signer>>>>,
}

impl KeyCache {
    /// The key ring, from the cache while it is fresh.
    pub async fn ring(&self, store: &Store) -> Result<Arc<KeyRing>, KeyError> {
        if let Some(ring) = self.fresh(CACHE_TTL) {
            return Ok(ring);
        }
        self.reload(store).await
    }

    /// The signer of the ring's active key, opened once per process.
    pub async fn signer(
        &self,
        store: &Store,
        wrap: Option<&dyn KeyWrap>,
    ) -> Result<Arc<Signer>, KeyError> {
        let ring = self.ring(store).await?;
        let (kid, sealed) = ring.active()?;
        if let Some(signer) = self.signers.lock().expect("signer cache").get(kid) {
            return Ok(signer.clone());
        }
        let wrap = wrap.ok_or(KeyError::CannotSign)?;
        let signer = Arc::new(open_signer(wrap, kid, sealed).await?);
        self.signers
            .lock()
            .expect("signer cache")
            .insert(kid.to_owned(), signer.clone());
        Ok(signer)
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
pub(crate) mod tests {
    use super::*;

    /// A record whose private half is never opened (verifying tests).
    pub(crate) fn record(pair: &KeyPair, status: KeyStatus) -> SigningKeyRecord {
        let unopened = Sealed {
            key: String::new(),
            nonce: String::new(),
            data: String::new(),
        };
        pair.record(status, unopened)
    }

    #[test]
    fn records_load_verify_and_publish_and_the_newest_active_key_signs() {
        let active = KeyPair::generate();
        let published = KeyPair {
            created_at: active.created_at + 1,
            ..KeyPair::generate()
        };
        let retired = KeyPair::generate();
        let ring = KeyRing::from_records(vec![
            record(&published, KeyStatus::Published),
            record(&active, KeyStatus::Active),
            record(&retired, KeyStatus::Retired),
        ])
        .unwrap();
        // The newest *active* key signs, even if a published one is newer.
        assert_eq!(ring.active().unwrap().0, active.kid);
        assert!(ring.verifier(&published.kid).is_some());
        assert!(ring.verifier(&retired.kid).is_none());
        let kids: Vec<&str> = ring.jwks().iter().map(|k| k.kid.as_str()).collect();
        assert_eq!(kids, [published.kid.as_str(), active.kid.as_str()]);
        let jwk = serde_json::to_value(&ring.jwks()[0]).unwrap();
        assert_eq!(jwk["kty"], "EC");
        assert_eq!(jwk["use"], "sig");
        assert_eq!(jwk["x"].as_str().unwrap().len(), 43);
        assert!(!format!("{:?}", record(&active, KeyStatus::Active)).contains("key:"));
    }

    #[test]
    fn no_active_key_means_no_signer() {
        let ring = KeyRing::from_records(vec![record(&KeyPair::generate(), KeyStatus::Published)])
            .unwrap();
        assert!(matches!(ring.active(), Err(KeyError::NoActiveKey)));
    }
}
