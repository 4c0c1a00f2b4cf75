//! Who is calling, and on which site. Every route takes a bearer access
//! token holding `user_sites`; the reads that depend on its subject
//! (membership, lists, counters) run beside the token's own check (user,
//! revocation stamp, refresh family) in one round trip
//! (`identity::bearer::authenticate_with`). The check decides first: a
//! bad token learns nothing.

use crate::store::{not_a_member, MembershipRecord, SitesStore};
use crate::ApiError;
use domain::scopes::USER_SITES;
use domain::{Error, UserId};
use http::HeaderMap;
use identity::bearer::{self, Principal};
use identity::AppState;
use std::future::Future;
use table::StoreError;
use web::path_id;

/// The token's principal (with `user_sites`) and `work` for its user, run
/// concurrently.
pub async fn authenticated<T, F>(
    state: &AppState,
    headers: &HeaderMap,
    work: impl FnOnce(UserId) -> F,
) -> Result<(Principal, T), ApiError>
where
    F: Future<Output = T>,
{
    Ok(bearer::authenticate_with(
        &state.access_tokens,
        &state.store,
        headers,
        USER_SITES,
        work,
    )
    .await?)
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
