use crate::OAuthError;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use identity::AppState;
use serde_json::json;

/// `GET /.well-known/jwks.json`: every public key that still verifies
/// (active and rotated-out, not retired), newest first. Cached briefly by
/// clients: a verifier meeting an unknown kid should fetch again.
pub async fn jwks(State(state): State<AppState>) -> Result<Response, OAuthError> {
    let ring = state.access_tokens.ring().await?;
    let mut res = Json(json!({ "keys": ring.jwks() })).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    Ok(res)
}
