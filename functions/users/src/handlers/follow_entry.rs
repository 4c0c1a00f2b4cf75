//! `PATCH /user/follow-request` (`{request}`): the followed user accepts a
//! request. `DELETE /user/follow-entry` (`{entry}`): either side removes an
//! entry (a follower, a followed user, or a request declined). To anyone
//! else the entry does not exist (404).

use crate::envelope::done;
use crate::store::{with_caller, EntryAction, SocialStore};
use crate::ApiError;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::Json;
use domain::scopes::SOCIAL_FOLLOW_WRITE;
use domain::Error;
use identity::AppState;
use serde::Deserialize;
use serde_json::Value;
use web::{required, Input};

#[derive(Deserialize)]
pub struct AcceptRequest {
    request: Option<String>,
}

/// A follow entry's `_id`: 24 hex digits.
fn entry_id(raw: &str, field: &'static str) -> Result<String, Error> {
    let raw = raw.trim();
    if raw.len() == 24 && raw.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(raw.to_ascii_lowercase())
    } else {
        Err(Error::invalid(
            field,
            "must be a 24-character hexadecimal id",
        ))
    }
}

async fn change(
    state: &AppState,
    headers: &HeaderMap,
    id: String,
    action: EntryAction,
) -> Result<(), ApiError> {
    let store = SocialStore::of(state);
    let i = &id;
    let (me, pointer) = with_caller(state, headers, SOCIAL_FOLLOW_WRITE, move |_| async move {
        store.pointer(i).await
    })
    .await?;
    store.change_entry(&me.id, &id, action, pointer).await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn accept(
    State(state): State<AppState>,
    headers: HeaderMap,
    Input(req, _): Input<AcceptRequest, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let id = entry_id(&required(req.request, "request")?, "request")?;
    change(&state, &headers, id, EntryAction::Accept).await?;
    Ok(done())
}

/// The `entry` of a DELETE: from the JSON body as the document sends it
/// (an object or a one-element array), a form body, or the query string.
fn delete_entry_field(uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Result<String, Error> {
    let form = |bytes: &[u8]| {
        form_pairs(bytes)
            .into_iter()
            .find(|(k, _)| k == "entry")
            .map(|(_, v)| v)
    };
    let is_form = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let raw = if body.iter().all(u8::is_ascii_whitespace) {
        form(uri.query().unwrap_or_default().as_bytes())
    } else if is_form {
        form(body)
    } else {
        let value: Value = serde_json::from_slice(body).map_err(|_| {
            Error::new(
                domain::ErrorKind::InvalidInput,
                "invalid_input",
                "body is not valid JSON",
            )
        })?;
        let object = match value {
            Value::Array(mut items) if items.len() == 1 => items.pop().unwrap_or_default(),
            other => other,
        };
        match object.get("entry") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(Error::invalid("entry", "must be a string")),
        }
    };
    entry_id(&required(raw, "entry")?, "entry")
}

fn form_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes).unwrap_or_default()
}

#[tracing::instrument(skip_all)]
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let id = delete_entry_field(&uri, &headers, &body)?;
    change(&state, &headers, id, EntryAction::Delete).await?;
    Ok(done())
}
