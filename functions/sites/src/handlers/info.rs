use crate::access::site_member;
use crate::fields::{self, Fields};
use crate::store::{site_not_found, SitesStore};
use crate::views::site_info;
use crate::ApiError;
use axum::extract::{Path, State};
use axum::Json;
use http::HeaderMap;
use identity::AppState;
use serde::Deserialize;
use serde_json::Value;
use web::Input;

#[derive(Deserialize)]
pub struct InfoRequest {
    fields: Option<String>,
}

/// `GET info/`: one round trip (token ∥ membership ∥ site).
pub async fn info(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(site): Path<String>,
    Input(req, _): Input<InfoRequest, ApiError>,
) -> Result<Json<Value>, ApiError> {
    let fields = Fields::parse(req.fields.as_deref(), fields::SITE_INFO)?;
    let store = SitesStore::of(&state);
    let (caller, record) = site_member(&state, &headers, &site, |id| store.site(id)).await?;
    let record = record.ok_or_else(site_not_found)?;
    Ok(Json(site_info(
        &state.config,
        &record,
        &caller.member,
        &fields,
    )))
}
