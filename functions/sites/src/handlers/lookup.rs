use crate::access::site_member;
use crate::fields::{self, Fields};
use crate::identifier;
use crate::invitee::resolve;
use crate::store::SitesStore;
use crate::views::invitation_item;
use crate::ApiError;
use axum::extract::{Path, State};
use axum::Json;
use domain::Error;
use http::HeaderMap;
use identity::AppState;
use serde::Deserialize;
use serde_json::Value;
use web::{required, Input};

#[derive(Deserialize)]
pub struct LookupRequest {
    identifier: Option<String>,
    fields: Option<String>,
}

pub fn no_invitation() -> Error {
    Error::not_found("no live invitation for this identifier")
}

/// `GET invitations/lookup?identifier=…` (admins): token ∥ membership ∥
/// invitee resolution, then one `Query gsi2`.
pub async fn lookup(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(site): Path<String>,
    Input(req, _): Input<LookupRequest, ApiError>,
) -> Result<Json<Value>, ApiError> {
    let raw = required(req.identifier, "identifier")?;
    let invitee = identifier::parse(&raw)?;
    let fields = Fields::parse(req.fields.as_deref(), fields::INVITATION)?;
    let (caller, resolved) =
        site_member(&state, &headers, &site, |_| resolve(&state.store, &invitee)).await?;
    caller.require_admin()?;
    let (_, key) = resolved.ok_or_else(no_invitation)?;
    let found = SitesStore::of(&state)
        .live_invitation(caller.site_id(), &key)
        .await?
        .ok_or_else(no_invitation)?;
    Ok(Json(invitation_item(&found, None, &fields)))
}
