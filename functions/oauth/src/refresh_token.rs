//! The refresh token's shape: `<family id>.<secret>`. The family id (32 hex
//! digits, random) names the item to load, so a refresh is one read plus
//! one conditional write; the secret (32 alphanumerics) proves possession.
//! Only `opaque::hash_secret` of the whole token is stored, as the family's
//! `current_hash`.

use domain::opaque::{hash_secret, OpaqueToken};
use sha2::{Digest, Sha256};

pub struct RefreshToken {
    pub family_id: String,
    raw: String,
}

impl RefreshToken {
    /// A new token in `family_id`.
    pub fn generate(family_id: &str) -> Self {
        Self {
            family_id: family_id.to_owned(),
            raw: format!("{family_id}.{}", OpaqueToken::generate().expose()),
        }
    }

    /// `None` for anything that cannot be one of ours (no read for junk).
    pub fn parse(raw: &str) -> Option<Self> {
        let (family_id, secret) = raw.split_once('.')?;
        (is_family_id(family_id) && OpaqueToken::parse(secret).is_some()).then(|| Self {
            family_id: family_id.to_owned(),
            raw: raw.to_owned(),
        })
    }

    pub fn expose(&self) -> &str {
        &self.raw
    }

    pub fn hash(&self) -> String {
        hash_secret(&self.raw)
    }
}

/// How long after a rotation the token it replaced still answers, once
/// more, with the same successor: two parallel refreshes of one client (two
/// tabs, a retry after a lost response) then both succeed instead of
/// revoking the family. After the window, a replay is reuse as before.
pub const REUSE_GRACE_MS: i64 = 30_000;

impl RefreshToken {
    /// The successor's secret, sealed for whoever holds this (the
    /// presented) token: XOR with SHA-256 of a label and this token, a
    /// pad used once, since each token is rotated at most once. The table
    /// alone never yields a usable token.
    pub fn seal_successor(&self, successor: &RefreshToken) -> String {
        let secret = successor.secret().as_bytes();
        hex::encode(xor(secret, &self.pad()))
    }

    /// The successor sealed by [`seal_successor`](Self::seal_successor)
    /// under this token; `None` if `sealed` is not one.
    pub fn open_successor(&self, sealed: &str) -> Option<RefreshToken> {
        let bytes = hex::decode(sealed).ok()?;
        let secret = String::from_utf8(xor(&bytes, &self.pad())).ok()?;
        OpaqueToken::parse(&secret)?;
        Some(Self {
            family_id: self.family_id.clone(),
            raw: format!("{}.{secret}", self.family_id),
        })
    }

    fn secret(&self) -> &str {
        self.raw.split_once('.').map_or("", |(_, s)| s)
    }

    fn pad(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"platform/refresh-successor/v1\0");
        h.update(self.raw.as_bytes());
        h.finalize().into()
    }
}

fn xor(data: &[u8], pad: &[u8; 32]) -> Vec<u8> {
    data.iter().zip(pad.iter()).map(|(d, p)| d ^ p).collect()
}

pub fn new_family_id() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

fn is_family_id(raw: &str) -> bool {
    raw.len() == 32 && raw.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_junk() {
        let t = RefreshToken::generate(&new_family_id());
        let back = RefreshToken::parse(t.expose()).unwrap();
        assert_eq!(back.family_id, t.family_id);
        assert_eq!(back.hash(), t.hash());
        for bad in ["", "abc", "x.y", &format!("{}.short", t.family_id)] {
            assert!(RefreshToken::parse(bad).is_none());
        }
    }

    #[test]
    fn only_the_presented_token_opens_its_successor() {
        let family = new_family_id();
        let old = RefreshToken::generate(&family);
        let next = RefreshToken::generate(&family);
        let sealed = old.seal_successor(&next);
        assert!(!sealed.contains(next.secret()));
        assert_eq!(old.open_successor(&sealed).unwrap().expose(), next.expose());
        let other = RefreshToken::generate(&family);
        assert!(other
            .open_successor(&sealed)
            .is_none_or(|t| t.expose() != next.expose()));
        assert!(old.open_successor("zz").is_none());
    }
}
