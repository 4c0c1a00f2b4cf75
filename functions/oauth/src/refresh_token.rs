//! The refresh token's shape: `<family id>.<secret>`. The family id (32 hex
//! digits, random) names the item to load, so a refresh is one read plus
//! one conditional write; the secret (32 alphanumerics) proves possession.
//! Only `opaque::hash_secret` of the whole token is stored, as the family's
//! `current_hash`.

use domain::opaque::{hash_secret, OpaqueToken};

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
}
