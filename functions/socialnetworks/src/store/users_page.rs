//! A page of a network's users list over its allocators (the base and the
//! eight shards, each dense from 1): the list is ordered by (position,
//! allocator), so rank `r` is found from the counts alone and a page is one
//! range Query per allocator, side by side, however deep the page.

use super::shards::Allocator;
use super::{keys, records, NetworksStore, SlotRecord};
use table::item::s;
use table::StoreError;

/// What to read for ranks `first..=last`: positions `from..=to` of every
/// allocator, of which the first `skip` (in list order) precede the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub from: u64,
    pub to: u64,
    pub skip: u64,
    pub take: u64,
}

/// How many users sit at positions `1..=level` over all allocators.
fn up_to(counts: &[u64], level: u64) -> u64 {
    counts.iter().map(|c| (*c).min(level)).sum()
}

/// The position at which rank `rank` (1-based, at most the total) sits.
fn level_of(counts: &[u64], rank: u64) -> u64 {
    let (mut low, mut high) = (1, counts.iter().copied().max().unwrap_or(0));
    while low < high {
        let mid = low + (high - low) / 2;
        if up_to(counts, mid) >= rank {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    low
}

/// The plan for ranks `first..=last` over allocators of `counts`; `None`
/// past the end.
pub fn plan(counts: &[u64], first: u64, last: u64) -> Option<Plan> {
    let total: u64 = counts.iter().sum();
    if first > total || first > last {
        return None;
    }
    let last = last.min(total);
    let from = level_of(counts, first);
    Some(Plan {
        from,
        to: level_of(counts, last),
        skip: first - 1 - up_to(counts, from - 1),
        take: last - first + 1,
    })
}

impl NetworksStore<'_> {
    /// Slots `from..=to` of one allocator.
    async fn slots_of(
        &self,
        network: u64,
        allocator: Allocator,
        (from, to): (u64, u64),
    ) -> Result<Vec<SlotRecord>, StoreError> {
        let out = self
            .query()
            .key_condition_expression("pk = :p AND sk BETWEEN :a AND :b")
            .expression_attribute_values(":p", s(allocator.partition(network)))
            .expression_attribute_values(":a", s(keys::network_slot(from)))
            .expression_attribute_values(":b", s(keys::network_slot(to)))
            .consistent_read(true)
            .send()
            .await?;
        records(out.items)
    }

    /// The users at ranks `first..=last`, given each allocator's count (in
    /// `Allocator::all()` order).
    pub async fn users_page(
        &self,
        network: u64,
        counts: &[u64],
        (first, last): (u64, u64),
    ) -> Result<Vec<SlotRecord>, StoreError> {
        let Some(plan) = plan(counts, first, last) else {
            return Ok(Vec::new());
        };
        let reads = Allocator::all()
            .zip(counts)
            .enumerate()
            .filter(|(_, (_, count))| **count >= plan.from)
            .map(|(order, (allocator, count))| async move {
                let slots = self
                    .slots_of(network, allocator, (plan.from, plan.to.min(*count)))
                    .await?;
                Ok::<_, StoreError>(slots.into_iter().map(move |s| (s.position, order, s)))
            });
        let mut rows: Vec<_> = futures::future::try_join_all(reads)
            .await?
            .into_iter()
            .flatten()
            .collect();
        rows.sort_by_key(|(position, order, _)| (*position, *order));
        Ok(rows
            .into_iter()
            .skip(plan.skip as usize)
            .take(plan.take as usize)
            .map(|(_, _, slot)| slot)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (position, allocator) in list order, by brute force.
    fn order(counts: &[u64]) -> Vec<(u64, usize)> {
        let mut all: Vec<(u64, usize)> = counts
            .iter()
            .enumerate()
            .flat_map(|(a, c)| (1..=*c).map(move |p| (p, a)))
            .collect();
        all.sort();
        all
    }

    #[test]
    fn every_page_is_the_slice_of_the_whole_order() {
        let shapes: [&[u64]; 4] = [&[157, 0, 0], &[0, 3, 1, 4, 0, 2], &[5, 1, 1, 7], &[2; 9]];
        for counts in shapes {
            let all = order(counts);
            let total = all.len() as u64;
            for per_page in [1, 3, 7, 20] {
                for page in 1..=total / per_page + 2 {
                    let first = (page - 1) * per_page + 1;
                    let last = first + per_page - 1;
                    let want: Vec<_> = all
                        .iter()
                        .skip(first as usize - 1)
                        .take(per_page as usize)
                        .copied()
                        .collect();
                    let got: Vec<_> = match plan(counts, first, last) {
                        None => Vec::new(),
                        Some(p) => all
                            .iter()
                            .filter(|(pos, a)| *pos >= p.from && *pos <= p.to.min(counts[*a]))
                            .skip(p.skip as usize)
                            .take(p.take as usize)
                            .copied()
                            .collect(),
                    };
                    assert_eq!(got, want, "{counts:?} page {page} per {per_page}");
                }
            }
        }
    }

    #[test]
    fn past_the_end_and_empty_lists_plan_nothing() {
        assert_eq!(plan(&[0; 9], 1, 20), None);
        assert_eq!(plan(&[3, 0], 4, 10), None);
        assert_eq!(
            plan(&[3], 1, 20),
            Some(Plan {
                from: 1,
                to: 3,
                skip: 0,
                take: 3
            })
        );
    }
}
