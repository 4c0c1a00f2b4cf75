//! `limit` and `cursor`. A cursor is the platform's one sealed cursor
//! (`table::Listing`): edited by hand, or used on another user's, site's or
//! filter's list, it is a 400. The request's `cursor` takes the opaque
//! value or the whole URL that carried it.

use crate::urls::with_query;
use domain::Error;
use table::{Listing, PageOut, Position, MAX_CURSOR_CHARS};

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 100;

pub fn limit(raw: Option<&str>) -> Result<usize, Error> {
    let Some(raw) = raw.filter(|r| !r.is_empty()) else {
        return Ok(DEFAULT_LIMIT);
    };
    raw.parse::<usize>()
        .ok()
        .filter(|n| (1..=MAX_LIMIT).contains(n))
        .ok_or_else(|| Error::invalid("limit", format!("must be an integer from 1 to {MAX_LIMIT}")))
}

pub fn encode(listing: &Listing, at: &Position) -> String {
    listing.seal(at)
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
    listing.open(&value).map(Some).map_err(|_| invalid())
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
            name: "sites",
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
