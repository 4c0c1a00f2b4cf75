use super::site_list::{self, PageRequest};
use crate::fields;
use crate::store::{keys, InvitationRecord};
use crate::views::invitation_item;
use crate::ApiError;
use axum::extract::{Path, State};
use axum::Json;
use http::HeaderMap;
use identity::AppState;
use serde_json::Value;
use table::Listing;
use web::Input;

/// Live invitations in creation order (the sparse gsi1).
fn listing(site: u64) -> Listing {
    Listing {
        name: "sites",
        index: Some(table::keys::GSI1),
        partition: ("gsi1pk", keys::live_invitations(site)),
        sort: ("gsi1sk", String::new()),
    }
}

/// `GET invitations/` (admins): one round trip (token ∥ membership ∥ site
/// ∥ page Query).
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(site): Path<String>,
    Input(req, _): Input<PageRequest, ApiError>,
) -> Result<Json<Value>, ApiError> {
    let list = site_list::read(&state, &headers, &site, req, fields::INVITATION, listing).await?;
    list.caller.require_admin()?;
    let items = list
        .page
        .items
        .iter()
        .cloned()
        .map(|i| {
            table::from_item::<InvitationRecord>(i)
                .map(|inv| invitation_item(&inv, None, &list.fields))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let total = list.site.invitations_count;
    Ok(Json(list.answer(&state, "invitations/", items, total)))
}
