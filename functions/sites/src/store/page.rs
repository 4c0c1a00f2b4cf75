//! One page of a Query, forward or back from a position: the items strictly
//! after (or before) the position's key, in ascending order either way, so
//! paging forward then back returns the same pages.

use super::{text, SitesStore};
use std::collections::BTreeMap;
use table::item::{s, Item};
use table::StoreError;

/// What a list queries: the table or an index, one partition, the sort keys
/// under one prefix.
#[derive(Debug, Clone)]
pub struct Listing {
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

pub struct PageOut {
    pub items: Vec<Item>,
    /// Position of the next page, when there are items after this one.
    pub next: Option<Position>,
    /// Position of the previous page, when there are items before it.
    pub prev: Option<Position>,
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

    fn position(&self, item: &Item, backward: bool) -> Option<Position> {
        let key = self
            .key_attributes()
            .into_iter()
            .map(|a| text(item, a).map(|v| (a.to_owned(), v)))
            .collect::<Option<_>>()?;
        Some(Position { key, backward })
    }
}

impl SitesStore<'_> {
    /// `limit` items from `at` (the first page when `None`).
    pub async fn page(
        &self,
        listing: &Listing,
        limit: usize,
        at: Option<&Position>,
    ) -> Result<PageOut, StoreError> {
        let backward = at.is_some_and(|p| p.backward);
        let mut query = self
            .table
            .client()
            .query()
            .table_name(self.name())
            .set_index_name(listing.index.map(str::to_owned))
            .expression_attribute_names("#p", listing.partition.0)
            .expression_attribute_values(":p", s(listing.partition.1.clone()))
            .scan_index_forward(!backward)
            .limit(i32::try_from(limit + 1).unwrap_or(i32::MAX))
            .set_exclusive_start_key(at.map(|p| {
                p.key
                    .iter()
                    .map(|(k, v)| (k.clone(), s(v.clone())))
                    .collect()
            }));
        query = if listing.sort.1.is_empty() {
            query.key_condition_expression("#p = :p")
        } else {
            query
                .key_condition_expression("#p = :p AND begins_with(#s, :s)")
                .expression_attribute_names("#s", listing.sort.0)
                .expression_attribute_values(":s", s(listing.sort.1.clone()))
        };
        let mut items = query.send().await?.items.unwrap_or_default();
        let more = items.len() > limit;
        items.truncate(limit);
        if backward {
            items.reverse();
        }
        let (first, last) = (items.first(), items.last());
        let (next, prev) = match (at, backward) {
            (None, _) => (
                more.then(|| last.and_then(|i| listing.position(i, false)))
                    .flatten(),
                None,
            ),
            (Some(at), false) => (
                more.then(|| last.and_then(|i| listing.position(i, false)))
                    .flatten(),
                first.and_then(|i| listing.position(i, true)).or_else(|| {
                    Some(Position {
                        key: at.key.clone(),
                        backward: true,
                    })
                }),
            ),
            (Some(at), true) => (
                last.and_then(|i| listing.position(i, false)).or_else(|| {
                    Some(Position {
                        key: at.key.clone(),
                        backward: false,
                    })
                }),
                more.then(|| first.and_then(|i| listing.position(i, true)))
                    .flatten(),
            ),
        };
        Ok(PageOut { items, next, prev })
    }
}
