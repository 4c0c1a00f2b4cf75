//! `invitations/{ID}/status`, `…/update`, `…/delete` (admins): token ∥
//! membership ∥ invitation, then one transaction that re-checks the admin
//! role and the status read. Deleted invitations are gone for the API (404).

use super::add::label;
use crate::access::{site_member, SiteCaller};
use crate::fields::{self, Fields};
use crate::model::{check_client_sent, parse_client_status, InvitationStatus};
use crate::store::{InvitationRecord, SitesStore};
use crate::views::invitation_item;
use crate::ApiError;
use axum::extract::{Path, State};
use axum::Json;
use domain::Error;
use http::HeaderMap;
use identity::AppState;
use serde::Deserialize;
use serde_json::{json, Value};
use web::path_id;
use web::{required, Input};

#[derive(Deserialize)]
pub struct ChangeRequest {
    label: Option<String>,
    status: Option<String>,
}

fn invitation_not_found() -> Error {
    Error::not_found("no such invitation")
}

async fn target(
    state: &AppState,
    headers: &HeaderMap,
    site: &str,
    raw_id: &str,
) -> Result<(SiteCaller, InvitationRecord), ApiError> {
    let store = SitesStore::of(state);
    let id = path_id(raw_id);
    let (caller, found) = site_member(state, headers, site, |site| async move {
        match id {
            Some(id) => store.invitation(site, id).await,
            None => Ok(None),
        }
    })
    .await?;
    caller.require_admin()?;
    let inv = found
        .filter(|i| i.status != InvitationStatus::Deleted)
        .ok_or_else(invitation_not_found)?;
    Ok((caller, inv))
}

/// The status a request asks for, checked against the invitation's.
fn new_status(
    raw: Option<&str>,
    inv: &InvitationRecord,
) -> Result<Option<InvitationStatus>, Error> {
    let Some(raw) = raw else { return Ok(None) };
    let status = parse_client_status(raw)?;
    check_client_sent(inv.kind, inv.status)?;
    Ok((status != inv.status).then_some(status))
}

pub async fn status(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((site, id)): Path<(String, String)>,
    Input(req, _): Input<ChangeRequest, ApiError>,
) -> Result<Json<Value>, ApiError> {
    let raw = required(req.status, "status")?;
    parse_client_status(&raw)?;
    let (caller, inv) = target(&state, &headers, &site, &id).await?;
    if let Some(status) = new_status(Some(&raw), &inv)? {
        SitesStore::of(&state)
            .update_invitation(&caller.principal.user.id, &inv, None, Some(status))
            .await?;
    }
    Ok(Json(json!({})))
}

pub async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((site, id)): Path<(String, String)>,
    Input(req, _): Input<ChangeRequest, ApiError>,
) -> Result<Json<Value>, ApiError> {
    if req.label.is_none() && req.status.is_none() {
        return Err(Error::invalid("label", "give a label, a status or both").into());
    }
    let new_label = req.label.as_deref().map(label).transpose()?;
    if let Some(raw) = req.status.as_deref() {
        parse_client_status(raw)?;
    }
    let (caller, mut inv) = target(&state, &headers, &site, &id).await?;
    let status = new_status(req.status.as_deref(), &inv)?;
    SitesStore::of(&state)
        .update_invitation(
            &caller.principal.user.id,
            &inv,
            new_label.as_deref(),
            status,
        )
        .await?;
    if let Some(l) = new_label {
        inv.label = l;
    }
    if let Some(s) = status {
        inv.status = s;
    }
    let all = Fields::parse(None, fields::INVITATION)?;
    Ok(Json(invitation_item(&inv, None, &all)))
}

pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((site, id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let (caller, inv) = target(&state, &headers, &site, &id).await?;
    SitesStore::of(&state)
        .delete_invitation(&caller.principal.user.id, &inv)
        .await?;
    Ok(Json(json!({})))
}
