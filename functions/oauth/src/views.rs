//! Response shapes: the token response (RFC 6749 §5.1) and the server
//! metadata (RFC 8414).

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

#[derive(Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    /// None for `client_credentials` (RFC 6749 §4.4.3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    pub scope: String,
    /// With the `openid` scope (OpenID Connect Core §3.1.3.3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

/// A JSON body that no cache may keep (tokens, credentials).
pub fn no_store(body: impl Serialize) -> Response {
    let mut res = Json(body).into_response();
    let headers = res.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    res
}

/// The server's metadata: RFC 8414 and OpenID Connect Discovery 1.0 in
/// one document, served at both well-known paths.
#[derive(Serialize)]
pub struct Metadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub userinfo_endpoint: String,
    pub revocation_endpoint: String,
    pub introspection_endpoint: String,
    pub end_session_endpoint: String,
    pub jwks_uri: String,
    pub scopes_supported: &'static [&'static str],
    pub response_types_supported: &'static [&'static str],
    pub response_modes_supported: &'static [&'static str],
    pub grant_types_supported: &'static [&'static str],
    pub subject_types_supported: &'static [&'static str],
    pub id_token_signing_alg_values_supported: &'static [&'static str],
    pub token_endpoint_auth_methods_supported: &'static [&'static str],
    pub revocation_endpoint_auth_methods_supported: &'static [&'static str],
    pub introspection_endpoint_auth_methods_supported: &'static [&'static str],
    pub code_challenge_methods_supported: &'static [&'static str],
    pub claims_supported: &'static [&'static str],
    pub acr_values_supported: &'static [&'static str],
    pub prompt_values_supported: &'static [&'static str],
    pub ui_locales_supported: &'static [&'static str],
    pub claims_parameter_supported: bool,
    pub request_parameter_supported: bool,
    pub request_uri_parameter_supported: bool,
    pub authorization_response_iss_parameter_supported: bool,
}
