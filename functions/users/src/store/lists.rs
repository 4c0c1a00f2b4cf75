//! The follow lists: followers and requests of a user (GSI1), whom a user
//! follows (GSI2). Keyset pages, newest first: `offset` is the `_id` of the
//! last record of the previous page and the next page starts strictly
//! below it, so entries added meanwhile never repeat or shift a record.

use super::{keys, FollowEntry, SocialStore};
use domain::{Error, UserId};
use table::item::{from_item, s};
use table::keys::{GSI1, GSI2};
use table::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Followers,
    Following,
    Requests,
}

/// A validated `limit` / `offset`.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub limit: i32,
    /// An entry `_id` (24 hex).
    pub offset: Option<String>,
}

impl PageRequest {
    pub const DEFAULT_LIMIT: i32 = 20;
    pub const MAX_LIMIT: i32 = 100;

    pub fn first(limit: i32) -> Self {
        Self {
            limit,
            offset: None,
        }
    }

    /// From the query's raw values; the field at fault is named.
    pub fn parse(limit: Option<String>, offset: Option<String>) -> Result<Self, Error> {
        let limit = match limit.as_deref().map(str::trim) {
            None | Some("") => Self::DEFAULT_LIMIT,
            Some(raw) => raw
                .parse::<i32>()
                .ok()
                .filter(|l| (1..=Self::MAX_LIMIT).contains(l))
                .ok_or_else(|| Error::invalid("limit", "must be an integer from 1 to 100"))?,
        };
        let offset = match offset.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) if raw.len() == 24 && raw.bytes().all(|b| b.is_ascii_hexdigit()) => {
                Some(raw.to_ascii_lowercase())
            }
            Some(_) => {
                return Err(Error::invalid(
                    "offset",
                    "must be the _id (24 hex digits) of the last record of the previous page",
                ))
            }
        };
        Ok(Self { limit, offset })
    }
}

impl<'a> SocialStore<'a> {
    /// Whether `source` follows `target` with an approved entry.
    pub async fn follows_approved(&self, source: &UserId, target: &UserId) -> Result<bool, Error> {
        Ok(self
            .get::<super::FollowPointer>(keys::follow_entry(source, target))
            .await?
            .is_some_and(|e| e.approved))
    }

    /// One page of a list of `user`, newest first.
    pub async fn list_page(
        &self,
        kind: ListKind,
        user: &UserId,
        page: &PageRequest,
    ) -> Result<Vec<FollowEntry>, Error> {
        let (index, pk, sk, partition) = match kind {
            ListKind::Followers => (GSI1, "gsi1pk", "gsi1sk", keys::followers_of(user)),
            ListKind::Requests => (GSI1, "gsi1pk", "gsi1sk", keys::requests_of(user)),
            ListKind::Following => (GSI2, "gsi2pk", "gsi2sk", keys::following_of(user)),
        };
        let mut query = self
            .table
            .client()
            .query()
            .table_name(self.name())
            .index_name(index)
            .expression_attribute_names("#pk", pk)
            .expression_attribute_values(":p", s(partition))
            .scan_index_forward(false)
            .limit(page.limit);
        query = match &page.offset {
            Some(offset) => query
                .key_condition_expression("#pk = :p AND #sk < :o")
                .expression_attribute_names("#sk", sk)
                .expression_attribute_values(":o", s(offset)),
            None => query.key_condition_expression("#pk = :p"),
        };
        let out = query.send().await.map_err(StoreError::from)?;
        out.items
            .unwrap_or_default()
            .into_iter()
            .map(from_item)
            .collect::<Result<_, _>>()
            .map_err(Error::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_offsets_are_checked() {
        let p = PageRequest::parse(None, None).unwrap();
        assert_eq!((p.limit, p.offset), (20, None));
        assert_eq!(
            PageRequest::parse(Some("100".into()), None).unwrap().limit,
            100
        );
        for bad in ["0", "101", "-1", "x", "1.5"] {
            let e = PageRequest::parse(Some(bad.into()), None).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("limit"));
        }
        let e = PageRequest::parse(None, Some("12".into())).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("offset"));
        let ok = PageRequest::parse(None, Some("0123456789ABCDEF01234567".into())).unwrap();
        assert_eq!(ok.offset.as_deref(), Some("0123456789abcdef01234567"));
    }
}
