//! The Users API's search index: one item per searchable term of a user
//! (username, first name, last name, "first last"), folded to lowercase
//! without accents, so a case- and accent-insensitive prefix search is one
//! `begins_with` Query and never a Scan. Every surface that creates users
//! or changes their names writes these items in the same transaction as
//! the change (`index_puts` at sign-up, `index_changes` on a rename);
//! the Users API's store queries them (`functions/users/src/store/search.rs`).
//!
//! Item: `pk = SEARCH#<first character of the term>`,
//! `sk = <term key>#<user id>`, attributes `user_id`, `term`, `kind`. In the
//! term key a space is `+`, so every character of a term sorts after the
//! `#` separator and a term equal to the query comes before its longer
//! matches.

use super::item::{from_item, key, s, Item};
use super::{keys, Store, StoreError};
use aws_sdk_dynamodb::types::{Delete, Put};
use domain::{User, UserId};
use serde::Deserialize;

/// What a term of the index is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TermKind {
    Username,
    Name,
}

impl TermKind {
    fn as_str(self) -> &'static str {
        match self {
            TermKind::Username => "username",
            TermKind::Name => "name",
        }
    }
}

/// One index entry as a Query answers it.
#[derive(Debug, Clone, Deserialize)]
pub struct SearchHit {
    pub user_id: UserId,
    pub term: String,
    pub kind: TermKind,
}

/// Lowercase, accents of Latin letters removed, whitespace collapsed to
/// single spaces and trimmed. Other scripts are only lowercased.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        if c.is_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
            continue;
        }
        match unaccent(c) {
            Some(plain) => out.push_str(plain),
            None => out.push(c),
        }
    }
    out.trim_end().to_owned()
}

/// The plain letters of a lowercase accented Latin letter.
fn unaccent(c: char) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        ("àáâãäåāăą", "a"),
        ("çćĉċč", "c"),
        ("ďđ", "d"),
        ("èéêëēĕėęě", "e"),
        ("ĝğġģ", "g"),
        ("ĥħ", "h"),
        ("ìíîïĩīĭįı", "i"),
        ("ĵ", "j"),
        ("ķ", "k"),
        ("ĺļľŀł", "l"),
        ("ñńņňŉ", "n"),
        ("òóôõöøōŏő", "o"),
        ("ŕŗř", "r"),
        ("śŝşš", "s"),
        ("ţťŧ", "t"),
        ("ùúûüũūŭůűų", "u"),
        ("ŵ", "w"),
        ("ýÿŷ", "y"),
        ("źżž", "z"),
        ("ß", "ss"),
        ("æ", "ae"),
        ("œ", "oe"),
        ("þ", "th"),
        ("ð", "d"),
    ];
    TABLE
        .iter()
        .find(|(accented, _)| accented.contains(c))
        .map(|(_, plain)| *plain)
}

/// A folded term as it appears in the sort key.
pub fn term_key(folded: &str) -> String {
    folded.replace(' ', "+")
}

/// The searchable terms of a user, without duplicates (a name equal to the
/// username counts as the username).
pub fn terms_of(user: &User) -> Vec<(String, TermKind)> {
    let first = user.first_name.as_deref().map(fold).unwrap_or_default();
    let last = user.last_name.as_deref().map(fold).unwrap_or_default();
    let full = format!("{first} {last}").trim().to_owned();
    let mut terms: Vec<(String, TermKind)> = vec![(fold(&user.username), TermKind::Username)];
    for name in [first, last, full] {
        if !name.is_empty() && !terms.iter().any(|(t, _)| *t == name) {
            terms.push((name, TermKind::Name));
        }
    }
    terms
}

/// The (partition, sort-key prefix) a folded query is looked up with, or
/// `None` for an empty query.
pub fn query_keys(folded_query: &str) -> Option<(String, String)> {
    let first = folded_query.chars().next()?;
    Some((keys::search_partition(first), term_key(folded_query)))
}

impl Store {
    /// The index entries whose term starts with a folded query, at most
    /// `limit`, in term order: one `begins_with` Query. An empty query
    /// finds nothing.
    pub async fn search_hits(
        &self,
        folded_query: &str,
        limit: i32,
    ) -> Result<Vec<SearchHit>, StoreError> {
        let Some((partition, prefix)) = query_keys(folded_query) else {
            return Ok(Vec::new());
        };
        let out = self
            .client
            .query()
            .table_name(self.table())
            .key_condition_expression("pk = :p AND begins_with(sk, :q)")
            .expression_attribute_values(":p", s(partition))
            .expression_attribute_values(":q", s(prefix))
            .limit(limit)
            .send()
            .await?;
        out.items
            .unwrap_or_default()
            .into_iter()
            .map(from_item::<SearchHit>)
            .collect()
    }
}

fn entry_key(term: &str, id: &UserId) -> Item {
    let first = term.chars().next().unwrap_or('_');
    key(
        keys::search_partition(first),
        &keys::search_entry(&term_key(term), id),
    )
}

fn entry_put(table: &str, term: &str, kind: TermKind, id: &UserId) -> Result<Put, StoreError> {
    let mut item = entry_key(term, id);
    item.insert("user_id".into(), s(id.as_str()));
    item.insert("term".into(), s(term));
    item.insert("kind".into(), s(kind.as_str()));
    Ok(Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .build()?)
}

/// The index entries of a new user (unconditioned puts, for the create
/// transaction).
pub fn index_puts(table: &str, user: &User) -> Result<Vec<Put>, StoreError> {
    terms_of(user)
        .into_iter()
        .map(|(term, kind)| entry_put(table, &term, kind, &user.id))
        .collect()
}

/// What moves in the index when `before` becomes `after` (the same user):
/// puts of the new terms and deletes of the terms that are gone, never two
/// operations on one item, so both fit in the change's transaction.
pub fn index_changes(
    table: &str,
    before: &User,
    after: &User,
) -> Result<(Vec<Put>, Vec<Delete>), StoreError> {
    let (old, new) = (terms_of(before), terms_of(after));
    let puts = new
        .iter()
        .filter(|n| !old.contains(n))
        .map(|(term, kind)| entry_put(table, term, *kind, &after.id))
        .collect::<Result<Vec<_>, _>>()?;
    let deletes = old
        .iter()
        .filter(|(term, _)| !new.iter().any(|(t, _)| t == term))
        .map(|(term, _)| {
            Delete::builder()
                .table_name(table)
                .set_key(Some(entry_key(term, &before.id)))
                .build()
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((puts, deletes))
}

/// [`index_changes`] for a profile update of `current` (as read).
pub fn profile_changes(
    table: &str,
    current: &User,
    changes: &crate::ProfileChanges,
) -> Result<(Vec<Put>, Vec<Delete>), StoreError> {
    if changes.username.is_none() && changes.first_name.is_none() && changes.last_name.is_none() {
        return Ok((Vec::new(), Vec::new()));
    }
    let mut after = current.clone();
    if let Some(name) = &changes.username {
        after.username = name.clone();
    }
    if let Some(first) = &changes.first_name {
        after.first_name = Some(first.clone());
    }
    if let Some(last) = &changes.last_name {
        after.last_name = Some(last.clone());
    }
    index_changes(table, current, &after)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(username: &str, first: &str, last: &str) -> User {
        let mut u = User::new(1, username.into(), "a@b.c".into(), "h".into());
        u.first_name = Some(first.into());
        u.last_name = Some(last.into());
        u
    }

    #[test]
    fn folds_case_accents_and_spaces() {
        assert_eq!(fold("  Ådám   Łódź "), "adam lodz");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Иван"), "иван");
        assert_eq!(fold("   "), "");
    }

    #[test]
    fn terms_are_deduplicated_and_keys_sort_exact_first() {
        let terms = terms_of(&user("Rick_Astley", "Rick", "Astley"));
        let names: Vec<&str> = terms.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(names, ["rick_astley", "rick", "astley", "rick astley"]);
        let same = terms_of(&user("rick", "Rick", "Roll"));
        assert_eq!(same[0], ("rick".to_owned(), TermKind::Username));
        assert_eq!(same.len(), 3);
        let id = UserId::generate();
        assert!(
            keys::search_entry(&term_key("rick"), &id)
                < keys::search_entry(&term_key("rick astley"), &id)
        );
    }

    #[test]
    fn a_rename_moves_only_the_changed_terms() {
        let before = user("rick_astley", "Rick", "Astley");
        let mut after = before.clone();
        after.last_name = Some("Roll".into());
        let (puts, deletes) = index_changes("t", &before, &after).unwrap();
        assert_eq!(puts.len(), 2); // "roll", "rick roll"
        assert_eq!(deletes.len(), 2); // "astley", "rick astley"
    }
}
