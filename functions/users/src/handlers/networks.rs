//! The caller's sign-in networks (docs/api/users.md): `GET /user/networks`
//! lists the networks the sign-in page offers and whether the caller
//! linked each; `DELETE /user/networks/{id}` unlinks one, never the last
//! way in. Linking needs the network's own sign-in in a browser: the
//! account page (`/account`) does it. Cookie session, or bearer with
//! `delegated:profile:read` / `delegated:profile:write`.

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

pub async fn unlink(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let id: u64 = raw
        .parse()
        .map_err(|_| Error::not_found("no such network"))?;
    let caller = caller::either(&state, &headers, PROFILE_WRITE).await?;
    socialnetworks::signin::unlink(&state, &caller.user, id).await?;
    Ok(done().into_response())
}
