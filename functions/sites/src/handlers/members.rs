use super::site_list::{self, PageRequest};
use crate::fields;
use crate::store::{keys, MembershipRecord, SitesStore};
use crate::views::member_item;
use crate::ApiError;
use axum::extract::{Path, State};
use axum::Json;
use http::HeaderMap;
use identity::AppState;
use serde_json::Value;
use table::Listing;
use web::Input;

fn listing(site: u64) -> Listing {
    Listing {
        name: "sites",
        index: None,
        partition: ("pk", keys::site(site)),
        sort: ("sk", keys::MEMBER_PREFIX.to_owned()),
    }
}

/// `GET members/`: token ∥ membership ∥ site (the count) ∥ page Query,
/// then one BatchGetItem for the members' current names.
pub async fn members(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(site): Path<String>,
    Input(req, _): Input<PageRequest, ApiError>,
) -> Result<Json<Value>, ApiError> {
    let list = site_list::read(&state, &headers, &site, req, fields::MEMBER, listing).await?;
    let rows = list
        .page
        .items
        .iter()
        .cloned()
        .map(table::from_item::<MembershipRecord>)
        .collect::<Result<Vec<_>, _>>()?;
    let ids: Vec<_> = rows.iter().map(|m| m.user_id.clone()).collect();
    let users = SitesStore::of(&state).users(&ids).await?;
    let items = rows
        .iter()
        .map(|m| member_item(m, users.get(&m.user_id), &list.fields))
        .collect();
    let total = list.site.members_count;
    Ok(Json(list.answer(&state, "members/", items, total)))
}
