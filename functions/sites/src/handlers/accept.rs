//! The invitation link, `<RESOURCE_URI>join/<site>.<invitation>.<secret>`:
//! `GET` shows what it is (the secret is the credential), `POST` accepts it
//! for the signed-in user (bearer token with `user_sites`, or the platform's
//! cookie session). The secret is compared by its SHA-256, in constant time.

use crate::access::authenticated;
use crate::fields::{self, Fields};
use crate::join::{self, Found, Link};
use crate::model::{check_acceptable, InvitationStatus};
use crate::store::SitesStore;
use crate::views::{site_item, timestamp};
use crate::ApiError;
use axum::extract::{Path, State};
use axum::Json;
use domain::User;
use http::header::AUTHORIZATION;
use http::HeaderMap;
use identity::{session, AppState};
use serde_json::{json, Value};

/// `GET`: what the link is (one round trip: invitation ∥ site).
pub async fn show(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (inv, site) = join::open(&state, &Link::parse(&raw)).await?;
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
    link: &Link,
) -> Result<(User, Found), ApiError> {
    let store = SitesStore::of(state);
    if headers.contains_key(AUTHORIZATION) {
        let (principal, found) = authenticated(state, headers, |_| join::read(store, link)).await?;
        return Ok((principal.user, found));
    }
    let (session, found) = tokio::join!(
        session::resolve(&state.store, headers),
        join::read(store, link)
    );
    Ok((session?.1, found))
}

/// `POST`: accept. One round trip (the bearer check, or the cookie's
/// session beside its user, beside the invitation), then the transaction.
pub async fn accept(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let link = Link::parse(&raw);
    let (user, found) = caller(&state, &headers, &link).await?;
    let (inv, site) = join::check(&link, found)?;
    let membership = join::accept(&state, &user, &inv, &site).await?;
    let all = Fields::parse(
        Some("id,title,type,url,logo_url,is_admin,target_resource_uri"),
        fields::SITE,
    )?;
    Ok(Json(json!({
        "status": InvitationStatus::Used,
        "site": site_item(&state.config, &membership, &all),
    })))
}
