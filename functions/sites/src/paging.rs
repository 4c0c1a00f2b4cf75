//! `limit` and `cursor`. A cursor is a position on one listing (the key of
//! the item next to the page and a direction), base64url JSON followed by a
//! check value bound to the listing: a cursor edited by hand, or used on
//! another user's, site's or filter's list, is a 400. The request's
//! `cursor` takes the opaque value or the whole URL that carried it.

use crate::store::{Listing, PageOut, Position};
use crate::urls::with_query;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use domain::Error;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 100;
const MAX_CURSOR_CHARS: usize = 4096;

pub fn limit(raw: Option<&str>) -> Result<usize, Error> {
    let Some(raw) = raw.filter(|r| !r.is_empty()) else {
        return Ok(DEFAULT_LIMIT);
    };
    raw.parse::<usize>()
        .ok()
        .filter(|n| (1..=MAX_LIMIT).contains(n))
        .ok_or_else(|| Error::invalid("limit", format!("must be an integer from 1 to {MAX_LIMIT}")))
}

#[derive(Serialize, Deserialize)]
struct Wire {
    b: bool,
    k: BTreeMap<String, String>,
}

fn check_value(listing: &Listing, payload: &str) -> String {
    let mut hash = Sha256::new();
    for part in [
        "sites-cursor",
        listing.index.unwrap_or("table"),
        &listing.partition.1,
        &listing.sort.1,
        payload,
    ] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hex::encode(&hash.finalize()[..8])
}

pub fn encode(listing: &Listing, at: &Position) -> String {
    let wire = Wire {
        b: at.backward,
        k: at.key.clone(),
    };
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&wire).unwrap_or_default());
    let check = check_value(listing, &payload);
    format!("{payload}.{check}")
}

fn invalid() -> Error {
    Error::invalid("cursor", "is invalid or belongs to another list")
}

/// The position a request's `cursor` names (`None`: the first page).
pub fn decode(listing: &Listing, raw: Option<&str>) -> Result<Option<Position>, Error> {
    let Some(raw) = raw.filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    if raw.len() > MAX_CURSOR_CHARS {
        return Err(invalid());
    }
    let value = if raw.starts_with("http://") || raw.starts_with("https://") {
        let url = url::Url::parse(raw).map_err(|_| invalid())?;
        let found = url.query_pairs().find(|(k, _)| k == "cursor");
        found.map(|(_, v)| v.into_owned()).ok_or_else(invalid)?
    } else {
        raw.to_owned()
    };
    let (payload, check) = value.split_once('.').ok_or_else(invalid)?;
    let expected = check_value(listing, payload);
    if !bool::from(subtle::ConstantTimeEq::ct_eq(
        expected.as_bytes(),
        check.as_bytes(),
    )) {
        return Err(invalid());
    }
    let bytes = URL_SAFE_NO_PAD.decode(payload).map_err(|_| invalid())?;
    let wire: Wire = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if !listing.admits(&wire.k) {
        return Err(invalid());
    }
    Ok(Some(Position {
        key: wire.k,
        backward: wire.b,
    }))
}

/// `next_cursor` and `prev_cursor`: absolute URLs of the neighbouring
/// pages with the same `params` (filters, limit, fields), or `""`.
pub fn links(
    listing: &Listing,
    base: &str,
    params: &[(&str, &str)],
    page: &PageOut,
) -> (String, String) {
    let url = |at: &Option<Position>| match at {
        Some(at) => {
            let cursor = encode(listing, at);
            let mut all = params.to_vec();
            all.push(("cursor", &cursor));
            with_query(base, &all)
        }
        None => String::new(),
    };
    (url(&page.next), url(&page.prev))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(partition: &str) -> Listing {
        Listing {
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
    fn round_trips_as_value_and_as_url() {
        let l = listing("SITE#1");
        let c = encode(&l, &position());
        assert_eq!(decode(&l, Some(&c)).unwrap(), Some(position()));
        let url = format!("https://api.example.com/unet/sites/1/members/?limit=5&cursor={c}");
        assert_eq!(decode(&l, Some(&url)).unwrap(), Some(position()));
        assert_eq!(decode(&l, Some("")).unwrap(), None);
    }

    #[test]
    fn refuses_tampered_and_foreign_cursors() {
        let l = listing("SITE#1");
        let c = encode(&l, &position());
        let mut tampered = c.clone().into_bytes();
        tampered[3] = if tampered[3] == b'A' { b'B' } else { b'A' };
        assert!(decode(&l, Some(std::str::from_utf8(&tampered).unwrap())).is_err());
        assert!(decode(&listing("SITE#2"), Some(&c)).is_err());
        for junk in ["x", "e30", "e30.00", "https://x/?limit=1", "%%%"] {
            assert!(decode(&l, Some(junk)).is_err(), "{junk}");
        }
        assert_eq!(limit(None).unwrap(), 100);
        for bad in ["0", "101", "-1", "x"] {
            assert!(limit(Some(bad)).is_err());
        }
    }
}
