//! A user's sessions, one by one: listing them (the account page, the Users
//! API's `GET /user/sessions`) and ending one of them
//! (`DELETE /user/sessions/{id}`). Every opaque sign-in token of the user
//! is listed (cookie sessions and Accounts API tokens), newest last, from
//! the user's token index (GSI1 `TOKENS#<user>`, docs/data-model.md).
//! A session's id is its token's hash: the name of its item, which
//! proves nothing (the token itself never leaves the client that holds it).

use crate::gate::Attempt;
use crate::AppState;
use domain::audit::Kind;
use domain::{time, Error, OpaqueToken, User};
use table::TokenRecord;

/// Sessions per page.
pub const PAGE_SIZE: usize = 50;

/// One live session of the user.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    /// `session` (a browser's cookie) or `account` (an Accounts API token).
    pub kind: String,
    /// Milliseconds.
    pub issued_at: i64,
    /// Seconds.
    pub expires_at: i64,
    /// The session the request came with.
    pub current: bool,
}

pub struct Sessions {
    pub items: Vec<Session>,
    /// The sealed cursor of the next page.
    pub next: Option<String>,
}

/// The user's live sessions, one page; `current` is the caller's own
/// session token, if it came with one.
#[tracing::instrument(skip_all)]
pub async fn list(
    state: &AppState,
    user: &User,
    current: Option<&OpaqueToken>,
    cursor: Option<&str>,
) -> Result<Sessions, Error> {
    let page = state
        .store
        .list_user_tokens(&user.id, PAGE_SIZE, cursor)
        .await??;
    let now = time::now_secs();
    let current = current.map(OpaqueToken::hash);
    let items = page
        .items
        .into_iter()
        .filter(|t| live(&t.record, user, now))
        .map(|t| Session {
            current: current.as_deref() == Some(t.hash.as_str()),
            id: t.hash,
            kind: t.record.kind,
            issued_at: t.record.issued_at,
            expires_at: t.record.expires_at,
        })
        .collect();
    Ok(Sessions {
        items,
        next: page.next,
    })
}

fn live(record: &TokenRecord, user: &User, now_secs: i64) -> bool {
    !record.is_expired(now_secs) && record.issued_at >= user.tokens_valid_after
}

fn no_such_session() -> Error {
    Error::not_found("no such session").on("id")
}

/// What ending session `id` needs, read beside the caller's own check:
/// the session and the OAuth grants made through it.
pub struct Found {
    record: Option<TokenRecord>,
    grants: Vec<String>,
}

/// Reads session `id` (an id that cannot be a hash reads nothing).
pub async fn find(state: &AppState, id: &str) -> Result<Found, Error> {
    if id.is_empty() || id.len() > 128 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Ok(Found {
            record: None,
            grants: Vec::new(),
        });
    }
    let (record, grants) = tokio::join!(state.store.get_token(id), state.store.session_grants(id));
    Ok(Found {
        record: record?,
        grants: grants?,
    })
}

/// Ends session `id` of `user` (found by [`find`]) and the OAuth grants
/// made through it; 404 when it is not a live session of this user.
#[tracing::instrument(skip_all)]
pub async fn end(
    state: &AppState,
    attempt: &Attempt,
    user: &User,
    id: &str,
    found: Found,
) -> Result<(), Error> {
    let Some(record) = found
        .record
        .as_ref()
        .filter(|r| r.user_id == user.id && live(r, user, time::now_secs()))
    else {
        return Err(no_such_session());
    };
    // Logged beside the deletion (the session's kind, never its id).
    let event = attempt
        .event(Kind::SessionRevoked)
        .with("session_kind", record.kind.as_str());
    let (ended, ()) = tokio::join!(
        crate::logout::end_by_hash(state, id, &found.grants),
        table::audit::record(&state.store, &user.id, &event)
    );
    ended
}

/// Whether `id` names the request's own session.
pub fn is_current(id: &str, current: Option<&OpaqueToken>) -> bool {
    current.is_some_and(|t| t.hash() == id)
}
