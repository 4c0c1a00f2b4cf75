//! Opaque secrets (tokens, session ids, codes' carriers): 32 characters of
//! `[A-Za-z0-9]` (190 bits) from the thread-local CSPRNG, stored only as a
//! SHA-256 hash. A fast hash is enough at that entropy; lookups go by hash,
//! so the secret itself is never compared byte by byte.

use rand::distr::{Alphanumeric, SampleString};
use sha2::{Digest, Sha256};
use std::fmt;

pub const LENGTH: usize = 32;

#[derive(Clone, PartialEq, Eq)]
pub struct OpaqueToken(String);

impl OpaqueToken {
    pub fn generate() -> Self {
        Self(Alphanumeric.sample_string(&mut rand::rng(), LENGTH))
    }

    /// `None` for anything that cannot be a token: no table read for junk.
    pub fn parse(raw: &str) -> Option<Self> {
        (raw.len() == LENGTH && raw.bytes().all(|b| b.is_ascii_alphanumeric()))
            .then(|| Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> String {
        hash_secret(&self.0)
    }
}

pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

impl fmt::Debug for OpaqueToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OpaqueToken(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_have_the_documented_shape() {
        let t = OpaqueToken::generate();
        assert_eq!(t.expose().len(), 32);
        assert!(OpaqueToken::parse(t.expose()).is_some());
        assert_ne!(OpaqueToken::generate(), t);
    }

    #[test]
    fn junk_is_not_a_token() {
        for bad in [
            "",
            "short",
            "cQY85mgmSxZl9G3t1B5ZpbsmWWj0bMx!",
            &"a".repeat(33),
        ] {
            assert!(OpaqueToken::parse(bad).is_none());
        }
        assert!(OpaqueToken::parse("cQY85mgmSxZl9G3t1B5ZpbsmWWj0bMxb").is_some());
    }

    #[test]
    fn hash_is_stable_and_hides_the_token() {
        let t = OpaqueToken::parse("cQY85mgmSxZl9G3t1B5ZpbsmWWj0bMxb").unwrap();
        assert_eq!(t.hash(), t.hash());
        assert_eq!(t.hash().len(), 64);
        assert!(!t.hash().contains(t.expose()));
        assert!(!format!("{t:?}").contains("cQY85"));
    }
}
