use crate::oidc::claims;
use crate::views::no_store;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::scopes;
use identity::bearer::{self, BearerError};
use identity::AppState;
use serde_json::json;

/// `GET` / `POST /userinfo` (OpenID Connect Core §5.3): the claims of the
/// access token's user that its scopes reach. The token must carry
/// `openid`; it comes in the `Authorization` header (RFC 6750 §2.1).
/// Errors are RFC 6750's: 401 / 403 with `WWW-Authenticate`.
pub async fn userinfo(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let principal = match bearer::authenticate(&state.access_tokens, &state.store, &headers).await {
        Ok(p) => p,
        Err(e) => return refused(e),
    };
    if let Err(e) = principal.require(scopes::OPENID) {
        return refused(e);
    }
    no_store(claims::of(&principal.user, &principal.scopes))
}

fn refused(e: BearerError) -> Response {
    if e.is_internal() {
        tracing::error!(error = %e, "userinfo failed");
        return crate::OAuthError::new(domain::Error::internal("userinfo")).into_response();
    }
    let code = match e {
        BearerError::MissingScope(_) => "insufficient_scope",
        _ => "invalid_token",
    };
    let mut res = (
        e.status(),
        Json(json!({ "error": code, "error_description": e.to_string() })),
    )
        .into_response();
    if let Some(challenge) = e.www_authenticate() {
        res.headers_mut()
            .insert(header::WWW_AUTHENTICATE, challenge);
    }
    res
}
