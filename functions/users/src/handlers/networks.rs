//! The caller's sign-in networks (docs/api/users.md): `GET /user/networks`
//! lists the networks the sign-in page offers and whether the caller
//! linked each; `DELETE /user/networks/{id}` unlinks one, never the last
//! way in (cookie session, or bearer with `delegated:profile:read` /
//! `delegated:profile:write`). `POST /user/networks/{id}/link` starts a
//! link for a browser app (cookie session only: the network's sign-in
//! finishes in that browser): the provider's URL to open, and the state
//! cookie that binds it.

use crate::caller;
use crate::envelope::{done, ok};
use crate::ApiError;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use domain::scopes::{PROFILE_READ, PROFILE_WRITE};
use domain::Error;
use identity::AppState;
use serde_json::{json, Value};
use web::SignInAttempt;

pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let caller = caller::either(&state, &headers, PROFILE_READ).await?;
    let rows = socialnetworks::signin::links_of(&state, caller.user.seq).await?;
    let items: Vec<Value> = rows
        .into_iter()
        .map(|(n, member)| {
            json!({
                "id": n.id,
                "key": n.key,
                "linked": member.is_some(),
                "linkedAt": member.map(|m| m.linked_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            })
        })
        .collect();
    Ok(ok(json!({ "networks": items })).into_response())
}

/// The network a path names, and the caller who may change their links.
async fn writer(
    state: &AppState,
    headers: &HeaderMap,
    raw: &str,
) -> Result<(u64, caller::Caller), ApiError> {
    let id = raw
        .parse()
        .map_err(|_| Error::not_found("no such network"))?;
    Ok((id, caller::either(state, headers, PROFILE_WRITE).await?))
}

pub async fn unlink(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let (id, caller) = writer(&state, &headers, &raw).await?;
    socialnetworks::signin::unlink(&state, &attempt, &caller.user, id).await?;
    Ok(done().into_response())
}

/// Where the browser goes after linking: the account page.
const AFTER_LINK: &str = "/account";

pub async fn link(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let (id, caller) = writer(&state, &headers, &raw).await?;
    if !caller.by_session {
        return Err(
            Error::forbidden("linking finishes in a browser: use the cookie session").into(),
        );
    }
    let user = Some(caller.user.id.clone());
    let started = socialnetworks::signin::start(&state, id, AFTER_LINK.into(), user).await?;
    let cookie = identity::cookies::set(
        socialnetworks::signin::STATE_COOKIE,
        &started.state,
        table::network_signins::TTL_SECS,
    );
    let body = ok(json!({ "authorizationUrl": started.url.as_str() }));
    Ok(([cookie], body).into_response())
}
