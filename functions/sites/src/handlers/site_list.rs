//! What `members/` and `invitations/` share: the request, one round trip
//! (token check ∥ membership ∥ site ∥ page Query), and the answer's shape.

use crate::access::{site_member, SiteCaller};
use crate::fields::Fields;
use crate::paging;
use crate::store::{site_not_found, SiteRecord, SitesStore};
use crate::urls::target_resource_uri;
use crate::ApiError;
use domain::Error;
use http::HeaderMap;
use identity::AppState;
use serde::Deserialize;
use serde_json::{json, Value};
use table::{Listing, PageOut};

#[derive(Deserialize)]
pub struct PageRequest {
    pub limit: Option<String>,
    pub cursor: Option<String>,
    pub fields: Option<String>,
}

/// One page of a site's list, read by a member of the site.
pub struct SitePage {
    pub caller: SiteCaller,
    pub site: SiteRecord,
    pub page: PageOut,
    pub fields: Fields,
    limit: usize,
    listing: Listing,
}

pub async fn read(
    state: &AppState,
    headers: &HeaderMap,
    site: &str,
    req: PageRequest,
    known: &[&'static str],
    listing: fn(u64) -> Listing,
) -> Result<SitePage, ApiError> {
    let limit = paging::limit(req.limit.as_deref())?;
    let fields = Fields::parse(req.fields.as_deref(), known)?;
    let store = SitesStore::of(state);
    let cursor = req.cursor.as_deref();
    let (caller, (record, page)) = site_member(state, headers, site, |id| async move {
        let listing = listing(id);
        let at = match paging::decode(&listing, cursor) {
            Ok(at) => at,
            Err(e) => return Ok((None, Err(e))),
        };
        let (record, page) = tokio::join!(store.site(id), store.page(&listing, limit, at.as_ref()));
        Ok((record?, Ok::<_, Error>(page?)))
    })
    .await?;
    Ok(SitePage {
        listing: listing(caller.site_id()),
        page: page?,
        site: record.ok_or_else(site_not_found)?,
        caller,
        fields,
        limit,
    })
}

impl SitePage {
    /// The answer: `items`, `limit`, `total_count` and the page URLs of
    /// `<TARGET_RESOURCE_URI><path>`.
    pub fn answer(&self, state: &AppState, path: &str, items: Vec<Value>, total: u64) -> Value {
        let limit = self.limit.to_string();
        let params = [
            ("limit", limit.as_str()),
            ("fields", self.fields.as_param()),
        ];
        let base = format!("{}{path}", target_resource_uri(&state.config, self.site.id));
        let (next, prev) = paging::links(&self.listing, &base, &params, &self.page);
        json!({
            "items": items,
            "limit": self.limit,
            "total_count": total,
            "next_cursor": next,
            "prev_cursor": prev,
        })
    }
}
