//! The invitation link, `<RESOURCE_URI>join/<site>.<invitation>.<secret>`:
//! `GET` shows what it is (the secret is the credential), `POST` accepts it
//! for the signed-in user (bearer token with `user_sites`, or the platform's
//! cookie session). The secret is compared by its SHA-256, in constant time.

use crate::access::authenticated;
use crate::fields::{self, Fields};
use crate::identifier::unet_key;
use crate::model::{check_acceptable, InvitationStatus, InvitationType};
use crate::store::{InvitationRecord, SiteRecord, SitesStore};
use crate::views::{site_item, timestamp};
use crate::ApiError;
use axum::extract::{Path, State};
use axum::Json;
use domain::opaque::hash_secret;
use domain::{Error, OpaqueToken, User};
use http::header::AUTHORIZATION;
use http::HeaderMap;
use identity::{session, AppState};
use serde_json::{json, Value};
use subtle::ConstantTimeEq;
use table::StoreError;

fn not_found() -> Error {
    Error::not_found("no such invitation")
}

/// (site, invitation, secret) of a link token.
fn parse(raw: &str) -> Option<(u64, u64, OpaqueToken)> {
    let mut parts = raw.splitn(3, '.');
    let number = |p: Option<&str>| {
        let p = p?;
        (p.len() <= 20 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let site = number(parts.next())?;
    let invitation = number(parts.next())?;
    let secret = OpaqueToken::parse(parts.next()?)?;
    Some((site, invitation, secret))
}

type Found = Result<(Option<InvitationRecord>, Option<SiteRecord>), StoreError>;

async fn read(store: SitesStore<'_>, link: Option<&(u64, u64, OpaqueToken)>) -> Found {
    let Some((site, id, _)) = link else {
        return Ok((None, None));
    };
    let (inv, record) = tokio::join!(store.invitation(*site, *id), store.site(*site));
    Ok((inv?, record?))
}

/// The invitation and its site, if the link's secret is its secret and it
/// was not deleted.
fn check(
    link: Option<&(u64, u64, OpaqueToken)>,
    found: Found,
) -> Result<(InvitationRecord, SiteRecord), Error> {
    let (Some((_, _, secret)), (Some(inv), Some(site))) = (link, found?) else {
        return Err(not_found());
    };
    let same: bool = hash_secret(secret.expose())
        .as_bytes()
        .ct_eq(inv.link_hash.as_bytes())
        .into();
    if !same || inv.status == InvitationStatus::Deleted {
        return Err(not_found());
    }
    Ok((inv, site))
}

/// `GET`: what the link is (one round trip: invitation ∥ site).
pub async fn show(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let link = parse(&raw);
    let found = read(SitesStore::of(&state), link.as_ref()).await;
    let (inv, site) = check(link.as_ref(), found)?;
    Ok(Json(json!({
        "site": { "id": site.id, "title": site.title, "type": site.site_type,
                  "url": site.url, "logo_url": site.logo_url.unwrap_or_default() },
        "invitation": { "id": inv.id, "label": inv.label, "type": inv.kind,
                        "status": inv.status, "create_time": timestamp(inv.create_time) },
        "acceptable": check_acceptable(inv.status).is_ok(),
    })))
}

/// The signed-in user, and the link's records read beside the credential.
async fn caller(
    state: &AppState,
    headers: &HeaderMap,
    link: Option<&(u64, u64, OpaqueToken)>,
) -> Result<(User, Found), ApiError> {
    let store = SitesStore::of(state);
    if headers.contains_key(AUTHORIZATION) {
        let (principal, found) = authenticated(state, headers, |_| read(store, link)).await?;
        return Ok((principal.user, found));
    }
    let (session, found) = tokio::join!(session::resolve(&state.store, headers), read(store, link));
    Ok((session?.1, found))
}

/// `POST`: accept. One round trip (the bearer check, or the cookie's
/// session beside its user, beside the invitation), then the transaction.
pub async fn accept(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let link = parse(&raw);
    let (user, found) = caller(&state, &headers, link.as_ref()).await?;
    let (inv, site) = check(link.as_ref(), found)?;
    check_acceptable(inv.status)?;
    if inv.kind == InvitationType::Unet && inv.invitee_key != unet_key(user.seq) {
        return Err(Error::forbidden("this invitation is for another platform user").into());
    }
    let accepted = SitesStore::of(&state).accept(&inv, &site, &user).await?;
    let all = Fields::parse(
        Some("id,title,type,url,logo_url,is_admin,target_resource_uri"),
        fields::SITE,
    )?;
    Ok(Json(json!({
        "status": InvitationStatus::Used,
        "site": site_item(&state.config, &accepted.membership, &all),
    })))
}
