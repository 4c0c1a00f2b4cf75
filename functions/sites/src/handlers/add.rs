use crate::access::site_member;
use crate::error::unknown_user;
use crate::fields::{self, Fields};
use crate::identifier;
use crate::invitee::resolve;
use crate::model::{InvitationStatus, InvitationType};
use crate::store::{InvitationRecord, NewInvitation, SitesStore};
use crate::urls::{invitation_link, invitation_token};
use crate::views::invitation_item;
use crate::ApiError;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use domain::{Error, Message, MessageKind, OpaqueToken};
use http::HeaderMap;
use identity::AppState;
use serde::Deserialize;
use serde_json::Value;
use web::{required, Input};

const MAX_LABEL_CHARS: usize = 255;

#[derive(Deserialize)]
pub struct AddRequest {
    identifier: Option<String>,
    label: Option<String>,
}

/// A label: 1 to 255 characters, not only spaces, no control characters.
pub fn label(raw: &str) -> Result<String, Error> {
    let n = raw.chars().count();
    if raw.trim().is_empty() || n > MAX_LABEL_CHARS || raw.chars().any(char::is_control) {
        return Err(Error::invalid(
            "label",
            format!("must be 1 to {MAX_LABEL_CHARS} characters without control characters"),
        ));
    }
    Ok(raw.to_owned())
}

/// Invitation ids: random below 2^53 (exact in every JSON client), so no
/// counter serialises the writers; the put's condition catches a collision.
fn new_id() -> u64 {
    1 + rand::random::<u64>() % ((1 << 53) - 1)
}

/// `POST invitations/add/` (admins): token ∥ membership ∥ invitee
/// resolution, then one transaction (admin check, invitation, invitee
/// sentinel, site counter, and for an email its outbox message).
pub async fn add(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(site): Path<String>,
    Input(req, _): Input<AddRequest, ApiError>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let raw = required(req.identifier, "identifier")?;
    let invitee = identifier::parse(&raw)?;
    let label = label(&required(req.label, "label")?)?;
    let (caller, resolved) =
        site_member(&state, &headers, &site, |_| resolve(&state.store, &invitee)).await?;
    caller.require_admin()?;
    let (kind, key) = resolved.ok_or_else(unknown_user)?;
    let secret = OpaqueToken::generate();
    let inviter = &caller.principal.user;
    let record = InvitationRecord {
        site_id: caller.site_id(),
        id: new_id(),
        label,
        identifier: raw,
        invitee_key: key,
        kind,
        status: InvitationStatus::Created,
        create_uid: inviter.seq,
        create_time: domain::time::now(),
        used_uid: None,
        used_time: None,
        deleted_time: None,
        link_hash: secret.hash(),
    };
    let token = invitation_token(record.site_id, record.id, secret.expose());
    let link = invitation_link(&state.config, &token);
    let message = (kind == InvitationType::Email).then(|| {
        Message::new(record.identifier.clone(), MessageKind::SiteInvitation)
            .with("site_title", caller.member.site.title.clone())
            .with("join", token)
            .with("label", record.label.clone())
            .with("inviter", inviter.username.clone())
            .owned_by(record.pk(), record.sk())
    });
    let new = NewInvitation { record, message };
    SitesStore::of(&state)
        .add_invitation(&inviter.id, &new)
        .await?;
    let all = Fields::parse(None, fields::INVITATION)?;
    Ok((
        StatusCode::CREATED,
        Json(invitation_item(&new.record, Some(&link), &all)),
    ))
}
