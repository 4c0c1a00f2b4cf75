//! Every list of every surface pages through one sealed cursor. A cursor
//! is a position on one listing (the key of the item next to the page, and
//! a direction), base64url JSON followed by a check value bound to the
//! listing (its name, index, partition and sort prefix). A cursor edited
//! by hand, or used on another user's, site's or filter's list, is
//! refused; and whatever a cursor says, it can only name a position inside
//! its own listing (`Listing::admits`), which the query's key condition
//! confines anyway. The check is not a secret MAC: nothing a forged cursor
//! could reach is outside what its caller may list.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// What a list queries: the table or an index, one partition, the sort
/// keys under one prefix (`""`: all of them).
#[derive(Debug, Clone)]
pub struct Listing {
    /// Which list (`"sites"`, `"accounts"`): a cursor of one never opens
    /// another, even over the same keys.
    pub name: &'static str,
    pub index: Option<&'static str>,
    pub partition: (&'static str, String),
    pub sort: (&'static str, String),
}

/// Where a page starts: the key of the item next to it, and the direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub key: BTreeMap<String, String>,
    pub backward: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid cursor")]
pub struct InvalidCursor;

/// Longest cursor read; ours are a few hundred characters.
pub const MAX_CURSOR_CHARS: usize = 4096;

#[derive(Serialize, Deserialize)]
struct Wire {
    b: bool,
    k: BTreeMap<String, String>,
}

impl Listing {
    /// The attributes of a position on this listing.
    pub fn key_attributes(&self) -> Vec<&'static str> {
        let mut attrs = vec!["pk", "sk"];
        if self.index.is_some() {
            attrs.extend([self.partition.0, self.sort.0]);
        }
        attrs
    }

    /// Whether `key` is a position on this listing: exactly its key
    /// attributes, in its partition, under its prefix.
    pub fn admits(&self, key: &BTreeMap<String, String>) -> bool {
        let attrs = self.key_attributes();
        key.len() == attrs.len()
            && attrs.iter().all(|a| key.contains_key(*a))
            && key.get(self.partition.0) == Some(&self.partition.1)
            && key
                .get(self.sort.0)
                .is_some_and(|v| v.starts_with(&self.sort.1))
    }

    fn check_value(&self, payload: &str) -> String {
        let mut hash = Sha256::new();
        for part in [
            "cursor",
            self.name,
            self.index.unwrap_or("table"),
            &self.partition.1,
            &self.sort.1,
            payload,
        ] {
            hash.update(part.as_bytes());
            hash.update([0]);
        }
        hex::encode(&hash.finalize()[..8])
    }

    /// The cursor of `at` on this listing.
    pub fn seal(&self, at: &Position) -> String {
        let wire = Wire {
            b: at.backward,
            k: at.key.clone(),
        };
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&wire).unwrap_or_default());
        let check = self.check_value(&payload);
        format!("{payload}.{check}")
    }

    /// The position a cursor of this listing names.
    pub fn open(&self, cursor: &str) -> Result<Position, InvalidCursor> {
        if cursor.len() > MAX_CURSOR_CHARS {
            return Err(InvalidCursor);
        }
        let (payload, check) = cursor.split_once('.').ok_or(InvalidCursor)?;
        let expected = self.check_value(payload);
        if !bool::from(subtle::ConstantTimeEq::ct_eq(
            expected.as_bytes(),
            check.as_bytes(),
        )) {
            return Err(InvalidCursor);
        }
        let bytes = URL_SAFE_NO_PAD.decode(payload).map_err(|_| InvalidCursor)?;
        let wire: Wire = serde_json::from_slice(&bytes).map_err(|_| InvalidCursor)?;
        if !self.admits(&wire.k) {
            return Err(InvalidCursor);
        }
        Ok(Position {
            key: wire.k,
            backward: wire.b,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(partition: &str) -> Listing {
        Listing {
            name: "test",
            index: None,
            partition: ("pk", partition.to_owned()),
            sort: ("sk", "MEMBER#".to_owned()),
        }
    }

    fn position() -> Position {
        Position {
            key: [("pk", "SITE#1"), ("sk", "MEMBER#abc")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            backward: true,
        }
    }

    #[test]
    fn round_trips() {
        let l = listing("SITE#1");
        assert_eq!(l.open(&l.seal(&position())).unwrap(), position());
    }

    #[test]
    fn refuses_tampered_foreign_and_outside_cursors() {
        let l = listing("SITE#1");
        let c = l.seal(&position());
        let mut tampered = c.clone().into_bytes();
        tampered[3] = if tampered[3] == b'A' { b'B' } else { b'A' };
        assert!(l.open(std::str::from_utf8(&tampered).unwrap()).is_err());
        assert!(listing("SITE#2").open(&c).is_err());
        let other_name = Listing {
            name: "other",
            ..listing("SITE#1")
        };
        assert!(other_name.open(&c).is_err());
        for junk in [
            "x",
            "e30",
            "e30.00",
            "%%%",
            &"a".repeat(MAX_CURSOR_CHARS + 1),
        ] {
            assert!(l.open(junk).is_err(), "{junk}");
        }
        // A correctly sealed position outside the listing's prefix.
        let mut outside = position();
        outside.key.insert("sk".into(), "SESSION#x".into());
        assert!(l.open(&l.seal(&outside)).is_err());
    }
}
