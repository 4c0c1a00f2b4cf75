//! Who is calling, and on which site. Every route takes a bearer access
//! token; the token's subject is read from the verified JWT first, so the
//! table reads that depend on it (membership, lists, counters) run beside
//! the token's own check (user, revocation stamp, refresh family) in one
//! round trip. The check decides first: a bad token learns nothing.

use crate::store::{not_a_member, MembershipRecord, SitesStore};
use crate::ApiError;
use domain::{Error, UserId};
use http::HeaderMap;
use identity::bearer::{self, Principal};
use identity::{jwt, AppState};
use std::future::Future;
use table::StoreError;

/// The subject of a well-signed, unexpired token (no table read while the
/// key ring is cached); `None` for anything else.
async fn subject(state: &AppState, headers: &HeaderMap) -> Option<UserId> {
    let raw = bearer::bearer_token(headers)?;
    let claims = jwt::verify(&state.access_tokens, raw).await.ok()?;
    UserId::parse(&claims.sub).ok()
}

/// The token's principal and `work` for its user, run concurrently.
pub async fn authenticated<T, F>(
    state: &AppState,
    headers: &HeaderMap,
    work: impl FnOnce(UserId) -> F,
) -> Result<(Principal, T), ApiError>
where
    F: Future<Output = T>,
{
    let check = bearer::authenticate(&state.access_tokens, &state.store, headers);
    match subject(state, headers).await {
        Some(user) => {
            let (principal, done) = tokio::join!(check, work(user));
            Ok((principal?, done))
        }
        None => {
            let principal = check.await?;
            let done = work(principal.user.id.clone()).await;
            Ok((principal, done))
        }
    }
}

/// A member of the site in the path.
pub struct SiteCaller {
    pub principal: Principal,
    pub member: MembershipRecord,
}

impl SiteCaller {
    pub fn require_admin(&self) -> Result<(), Error> {
        if self.member.is_admin() {
            Ok(())
        } else {
            Err(Error::forbidden("only the site's admins may do this"))
        }
    }

    pub fn site_id(&self) -> u64 {
        self.member.site_id
    }
}

/// A site id in a path: a positive integer, else no such site.
pub fn path_id(raw: &str) -> Option<u64> {
    if raw.is_empty() || raw.len() > 19 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse().ok().filter(|id| *id > 0)
}

/// The caller as a member of site `raw_site`, and `read(site)` run beside
/// the token check and the membership read. Not a member (or no such
/// site): 404, whatever `read` found.
pub async fn site_member<T, F>(
    state: &AppState,
    headers: &HeaderMap,
    raw_site: &str,
    read: impl FnOnce(u64) -> F,
) -> Result<(SiteCaller, T), ApiError>
where
    F: Future<Output = Result<T, StoreError>>,
{
    let store = SitesStore::of(state);
    let site = path_id(raw_site);
    let (principal, found) = authenticated(state, headers, |user| async move {
        let Some(site) = site else {
            return Ok(None);
        };
        let (member, data) = tokio::join!(store.membership(site, &user), read(site));
        Ok::<_, StoreError>(Some((member?, data?)))
    })
    .await?;
    let (Some(member), data) = found?.ok_or_else(not_a_member)? else {
        return Err(not_a_member().into());
    };
    Ok((SiteCaller { principal, member }, data))
}
