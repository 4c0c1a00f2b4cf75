//! One page of a Query, forward or back from a position: the items strictly
//! after (or before) the position's key, in ascending order either way, so
//! paging forward then back returns the same pages.

use super::cursor::{Listing, Position};
use super::item::{s, Item};
use super::{Store, StoreError};

pub struct PageOut {
    pub items: Vec<Item>,
    /// Position of the next page, when there are items after this one.
    pub next: Option<Position>,
    /// Position of the previous page, when there are items before it.
    pub prev: Option<Position>,
}

/// The position of `item` on `listing`.
fn position(listing: &Listing, item: &Item, backward: bool) -> Option<Position> {
    let key = listing
        .key_attributes()
        .into_iter()
        .map(|a| {
            let value = item.get(a)?.as_s().ok()?.clone();
            Some((a.to_owned(), value))
        })
        .collect::<Option<_>>()?;
    Some(Position { key, backward })
}

impl Store {
    /// `limit` items from `at` (the first page when `None`).
    pub async fn page(
        &self,
        listing: &Listing,
        limit: usize,
        at: Option<&Position>,
    ) -> Result<PageOut, StoreError> {
        let backward = at.is_some_and(|p| p.backward);
        let mut query = self
            .client
            .query()
            .table_name(self.table())
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
                more.then(|| last.and_then(|i| position(listing, i, false)))
                    .flatten(),
                None,
            ),
            (Some(at), false) => (
                more.then(|| last.and_then(|i| position(listing, i, false)))
                    .flatten(),
                first.and_then(|i| position(listing, i, true)).or_else(|| {
                    Some(Position {
                        key: at.key.clone(),
                        backward: true,
                    })
                }),
            ),
            (Some(at), true) => (
                last.and_then(|i| position(listing, i, false)).or_else(|| {
                    Some(Position {
                        key: at.key.clone(),
                        backward: false,
                    })
                }),
                more.then(|| first.and_then(|i| position(listing, i, true)))
                    .flatten(),
            ),
        };
        Ok(PageOut { items, next, prev })
    }
}
