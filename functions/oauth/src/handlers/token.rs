use super::{token_code, token_refresh};
use crate::client_auth::Credentials;
use crate::OAuthError;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use identity::AppState;
use serde::Deserialize;
use web::{required, Input};

/// The token request: form-encoded per RFC 6749, JSON accepted too.
#[derive(Deserialize)]
pub struct TokenRequest {
    pub grant_type: Option<String>,
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub code_verifier: Option<String>,
    pub refresh_token: Option<String>,
    pub scope: Option<String>,
}

/// `POST /oauth/token`: `authorization_code` and `refresh_token` grants.
pub async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Input(req, _): Input<TokenRequest, OAuthError>,
) -> Result<Response, OAuthError> {
    // Codes, verifiers and secrets in a URL end up in logs and histories.
    if uri.query().is_some() {
        return Err(OAuthError::invalid_request(
            "send the parameters in the request body, not the query",
        ));
    }
    let grant_type = required(req.grant_type.clone(), "grant_type")?;
    if !matches!(grant_type.as_str(), "authorization_code" | "refresh_token") {
        return Err(OAuthError::unsupported_grant_type());
    }
    let creds =
        Credentials::from_request(&headers, req.client_id.clone(), req.client_secret.clone())?;
    if grant_type == "authorization_code" {
        token_code::exchange(&state, creds, req).await
    } else {
        token_refresh::refresh(&state, creds, req).await
    }
}
