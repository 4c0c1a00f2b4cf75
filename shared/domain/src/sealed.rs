//! Envelope encryption of secrets kept in the table (private signing keys,
//! social networks' client secrets): each value is encrypted with a fresh
//! AES-256-GCM data key, and the data key itself only exists wrapped by a
//! key that never leaves the key service (KMS in the cloud, the emulator's
//! KMS locally). A function can open a sealed value only if its role may
//! unwrap data keys for that `purpose` (the KMS encryption context), so a
//! table read, a backup or a function that only verifies tokens yields
//! ciphertext. The purpose is also the cipher's associated data: a value
//! sealed for one purpose does not open as another.

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;

/// A sealed value as stored: the wrapped data key, the nonce and the
/// ciphertext with its tag, each base64.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    pub key: String,
    pub nonce: String,
    pub data: String,
}

impl std::fmt::Debug for Sealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealed(***)")
    }
}

/// A fresh data key: the plaintext to encrypt with, and the same key
/// wrapped by the key service (what is stored).
pub struct DataKey {
    pub plaintext: Vec<u8>,
    pub wrapped: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// The key service refused or failed (no permission, unreachable).
    #[error("key service: {0}")]
    KeyService(String),
    /// The stored value is not one this purpose sealed, or was altered.
    #[error("the sealed value does not open")]
    Corrupt,
}

impl From<SealError> for crate::Error {
    fn from(e: SealError) -> Self {
        crate::Error::internal(format!("sealed secret: {e}"))
    }
}

impl crate::IntoError for SealError {}

pub type KeyFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, SealError>> + Send + 'a>>;

/// The key service: makes data keys and unwraps them, per purpose.
pub trait KeyWrap: Send + Sync {
    fn new_key<'a>(&'a self, purpose: &'a str) -> KeyFuture<'a, DataKey>;
    fn unwrap_key<'a>(&'a self, purpose: &'a str, wrapped: &'a [u8]) -> KeyFuture<'a, Vec<u8>>;
}

fn cipher(key: &[u8]) -> Result<LessSafeKey, SealError> {
    let key = UnboundKey::new(&AES_256_GCM, key).map_err(|_| SealError::Corrupt)?;
    Ok(LessSafeKey::new(key))
}

/// Seals `plaintext` for `purpose` under a fresh data key.
pub async fn seal(
    wrap: &dyn KeyWrap,
    purpose: &str,
    plaintext: &[u8],
) -> Result<Sealed, SealError> {
    let key = wrap.new_key(purpose).await?;
    seal_with(&key, purpose, plaintext)
}

/// Seals with a data key already made (several values of one write).
pub fn seal_with(key: &DataKey, purpose: &str, plaintext: &[u8]) -> Result<Sealed, SealError> {
    let nonce: [u8; NONCE_LEN] = rand::random();
    let mut data = plaintext.to_vec();
    cipher(&key.plaintext)?
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(purpose.as_bytes()),
            &mut data,
        )
        .map_err(|_| SealError::Corrupt)?;
    Ok(Sealed {
        key: STANDARD.encode(&key.wrapped),
        nonce: STANDARD.encode(nonce),
        data: STANDARD.encode(data),
    })
}

/// Opens a value sealed for `purpose`.
pub async fn open(
    wrap: &dyn KeyWrap,
    purpose: &str,
    sealed: &Sealed,
) -> Result<Vec<u8>, SealError> {
    let key = unwrap_data_key(wrap, purpose, sealed).await?;
    open_with(&key, purpose, sealed)
}

/// The plaintext of the data key `sealed` was sealed under (values sealed
/// together share it: open them with [`open_with`] after one unwrap).
pub async fn unwrap_data_key(
    wrap: &dyn KeyWrap,
    purpose: &str,
    sealed: &Sealed,
) -> Result<Vec<u8>, SealError> {
    let wrapped = STANDARD
        .decode(&sealed.key)
        .map_err(|_| SealError::Corrupt)?;
    wrap.unwrap_key(purpose, &wrapped).await
}

/// Opens with the data key's plaintext.
pub fn open_with(key: &[u8], purpose: &str, sealed: &Sealed) -> Result<Vec<u8>, SealError> {
    let nonce: [u8; NONCE_LEN] = STANDARD
        .decode(&sealed.nonce)
        .ok()
        .and_then(|n| n.try_into().ok())
        .ok_or(SealError::Corrupt)?;
    let mut data = STANDARD
        .decode(&sealed.data)
        .map_err(|_| SealError::Corrupt)?;
    let plain = cipher(key)?
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(purpose.as_bytes()),
            &mut data,
        )
        .map_err(|_| SealError::Corrupt)?;
    Ok(plain.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in key service for the pure round trip (the real one, the
    /// emulator's KMS, is exercised by the end-to-end tests).
    struct Fixed([u8; 32]);

    impl KeyWrap for Fixed {
        fn new_key<'a>(&'a self, _: &'a str) -> KeyFuture<'a, DataKey> {
            Box::pin(async move {
                Ok(DataKey {
                    plaintext: self.0.to_vec(),
                    wrapped: b"wrapped".to_vec(),
                })
            })
        }
        fn unwrap_key<'a>(&'a self, _: &'a str, _: &'a [u8]) -> KeyFuture<'a, Vec<u8>> {
            Box::pin(async move { Ok(self.0.to_vec()) })
        }
    }

    #[tokio::test]
    async fn round_trips_and_binds_the_purpose() {
        let wrap = Fixed([9; 32]);
        let sealed = seal(&wrap, "signing-key", b"private").await.unwrap();
        assert!(!format!("{sealed:?}").contains("private"));
        assert_eq!(
            open(&wrap, "signing-key", &sealed).await.unwrap(),
            b"private"
        );
        assert!(open(&wrap, "other", &sealed).await.is_err());
        let mut altered = sealed.clone();
        altered.data.replace_range(
            0..1,
            if altered.data.starts_with('A') {
                "B"
            } else {
                "A"
            },
        );
        assert!(open(&wrap, "signing-key", &altered).await.is_err());
    }
}
