//! Search: one `begins_with` Query on the search index
//! (`table::search_index`), then one BatchGetItem of the candidates with
//! the blocks between them and the caller and the caller's follow entries.
//! Banned users, blocks in either direction and index entries that no
//! longer match the user (a rename racing the search) are left out.

use super::{keys, text, FollowPointer, SocialStore};
use domain::{Error, User, UserId};
use std::collections::{HashMap, HashSet};
use table::item::{from_item, Item};
use table::search_index::{fold, terms_of, SearchHit, TermKind};

/// At most this many results.
pub const MAX_RESULTS: usize = 20;
/// Candidates read in the second round (4 keys each, within BatchGetItem's 100).
const CANDIDATES: usize = 25;
/// Index entries read in the first round.
const SCAN_AHEAD: i32 = 100;

/// A validated query: folded, 1 to 64 characters.
#[derive(Debug, Clone)]
pub struct SearchQuery(String);

impl SearchQuery {
    pub fn parse(raw: &str) -> Result<Self, Error> {
        let folded = fold(raw);
        match folded.chars().count() {
            0 => Err(Error::invalid("query", "must not be empty")),
            1..=64 => Ok(Self(folded)),
            _ => Err(Error::invalid("query", "must be at most 64 characters")),
        }
    }
}

/// A user found, with the caller's follow entry for them, if any.
pub struct Found {
    pub user: User,
    pub entry: Option<FollowPointer>,
}

/// Best first: the exact username, then username prefixes, then names.
fn rank(hit: &SearchHit, query: &str) -> u8 {
    match hit.kind {
        TermKind::Username if hit.term == query => 0,
        TermKind::Username => 1,
        TermKind::Name => 2,
    }
}

impl<'a> SocialStore<'a> {
    /// The candidates of the index, best first, one per user.
    pub async fn search_candidates(&self, query: &SearchQuery) -> Result<Vec<UserId>, Error> {
        let mut hits = self.table.search_hits(&query.0, SCAN_AHEAD).await?;
        hits.sort_by(|a, b| (rank(a, &query.0), &a.term).cmp(&(rank(b, &query.0), &b.term)));
        let mut seen = HashSet::new();
        Ok(hits
            .into_iter()
            .filter(|h| seen.insert(h.user_id.clone()))
            .map(|h| h.user_id)
            .take(CANDIDATES)
            .collect())
    }

    /// The candidates the caller may see, in order, at most 20.
    pub async fn search_results(
        &self,
        me: &UserId,
        query: &SearchQuery,
        candidates: Vec<UserId>,
    ) -> Result<Vec<Found>, Error> {
        let mut wanted: Vec<Item> = Vec::new();
        for id in &candidates {
            wanted.push(keys::user_key(id));
            wanted.extend(keys::FOLLOWERS.keys(id.as_str()));
            if id != me {
                wanted.push(keys::block(me, id));
                wanted.push(keys::block(id, me));
                wanted.push(keys::follow_entry(me, id));
            }
        }
        let mut users: HashMap<String, User> = HashMap::new();
        let mut hidden: HashSet<String> = HashSet::new();
        let mut entries: HashMap<String, FollowPointer> = HashMap::new();
        let (shards, items): (Vec<Item>, Vec<Item>) = self
            .batch(wanted)
            .await?
            .into_iter()
            .partition(super::counts::is_shard);
        let totals = table::sharded::sum(shards, keys::FOLLOWERS_ATTR);
        for item in items {
            let sk = text(&item, "sk").unwrap_or_default().to_owned();
            if sk == table::keys::USER_SK {
                let user = super::counted(from_item::<User>(item)?, &totals);
                users.insert(user.id.to_string(), user);
            } else if sk.starts_with(table::keys::BLOCKS_PREFIX) {
                for side in ["blocker", "blocked"] {
                    if let Some(id) = text(&item, side).filter(|id| *id != me.as_str()) {
                        hidden.insert(id.to_owned());
                    }
                }
            } else if sk.starts_with(table::keys::FOLLOWS_PREFIX) {
                let entry: FollowPointer = from_item(item)?;
                entries.insert(entry.target.to_string(), entry);
            }
        }
        Ok(candidates
            .iter()
            .filter(|id| !hidden.contains(id.as_str()))
            .filter_map(|id| users.remove(id.as_str()))
            .filter(|u| !u.banned && still_matches(u, &query.0))
            .take(MAX_RESULTS)
            .map(|user| Found {
                entry: entries.remove(user.id.as_str()),
                user,
            })
            .collect())
    }
}

/// Whether the user's current terms match (the index may lag a rename).
fn still_matches(user: &User, query: &str) -> bool {
    terms_of(user)
        .iter()
        .any(|(term, _)| term.starts_with(query))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_folded_and_bounded() {
        assert_eq!(SearchQuery::parse("  RÍCK  Ást ").unwrap().0, "rick ast");
        assert!(SearchQuery::parse("   ").is_err());
        assert!(SearchQuery::parse(&"a".repeat(65)).is_err());
    }
}
