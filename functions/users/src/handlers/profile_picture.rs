use crate::envelope::{done, ok};
use crate::error::payload_too_large;
use crate::pictures::{self, MAX_BYTES};
use crate::{caller, ApiError};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header::CONTENT_TYPE, HeaderMap};
use axum::Json;
use bytes::Bytes;
use domain::scopes::PROFILE_WRITE;
use domain::Error;
use identity::AppState;
use serde_json::json;

/// Room for multipart framing around a picture of `MAX_BYTES`.
const MAX_BODY: usize = MAX_BYTES + 16 * 1024;
/// The document's table says `profilePicture`, its sample `profile-picture`.
const FIELD_NAMES: [&str; 2] = ["profilePicture", "profile-picture"];

fn too_large() -> Error {
    payload_too_large(format!("the picture must be at most {MAX_BYTES} bytes")).on("profilePicture")
}

/// The picture's bytes: the `profilePicture` part of a multipart body, or
/// the whole body otherwise (raw upload, any content type).
async fn picture(headers: &HeaderMap, body: Bytes) -> Result<Bytes, Error> {
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type.starts_with("multipart/form-data") {
        return Ok(body);
    }
    let boundary = multer::parse_boundary(content_type)
        .map_err(|_| Error::invalid("profilePicture", "the multipart body has no boundary"))?;
    let stream = futures::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let bad = |_| Error::invalid("profilePicture", "the multipart body is malformed");
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        if field.name().is_some_and(|n| FIELD_NAMES.contains(&n)) {
            return field.bytes().await.map_err(bad);
        }
    }
    Err(Error::invalid("profilePicture", "is required"))
}

/// Stores a PNG of at most 1 MiB and 2048 pixels a side, re-encoded from
/// its pixels, and answers a presigned URL to it.
pub async fn set(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let principal = caller::bearer(&state, &headers, PROFILE_WRITE).await?;
    let body = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| too_large())?;
    let png = picture(&headers, body).await?;
    if png.len() > MAX_BYTES {
        return Err(too_large().into());
    }
    // Decoding takes a few ms of CPU for the largest picture: off the
    // runtime's threads.
    let cleaned = tokio::task::spawn_blocking(move || crate::png_clean::clean(&png))
        .await
        .map_err(|e| Error::internal(format!("picture decode: {e}")))?
        .map_err(|e| Error::invalid("profilePicture", e.to_string()))?;
    let user = principal.user;
    let key = pictures::put(&state, &user.id, cleaned).await?;
    state
        .store
        .set_profile_picture(&user.id, Some(&key))
        .await?;
    if let Some(old) = user.profile_picture_key.as_deref() {
        pictures::delete(&state, old).await;
    }
    let url = pictures::url(&state, &key).await?;
    Ok(ok(json!({ "signedUrl": url })))
}

/// Removes the picture (answers `{"ok": 1}` when there is none too).
pub async fn remove(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let principal = caller::bearer(&state, &headers, PROFILE_WRITE).await?;
    if let Some(key) = principal.user.profile_picture_key.as_deref() {
        state
            .store
            .set_profile_picture(&principal.user.id, None)
            .await?;
        pictures::delete(&state, key).await;
    }
    Ok(done())
}
