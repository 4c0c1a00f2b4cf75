use crate::views::Metadata;
use axum::extract::State;
use axum::Json;
use domain::scopes;
use identity::AppState;

/// `GET /.well-known/oauth-authorization-server` (RFC 8414), built from the
/// configured issuer.
pub async fn metadata(State(state): State<AppState>) -> Json<Metadata> {
    let issuer = state.config.oauth_issuer.clone();
    let auth_methods = ["client_secret_basic", "client_secret_post", "none"];
    Json(Metadata {
        authorization_endpoint: format!("{issuer}/oauth/authorize"),
        token_endpoint: format!("{issuer}/oauth/token"),
        revocation_endpoint: format!("{issuer}/oauth/revoke"),
        jwks_uri: format!("{issuer}/.well-known/jwks.json"),
        issuer,
        scopes_supported: scopes::ALL,
        response_types_supported: ["code"],
        response_modes_supported: ["query"],
        grant_types_supported: ["authorization_code", "refresh_token"],
        token_endpoint_auth_methods_supported: auth_methods,
        revocation_endpoint_auth_methods_supported: auth_methods,
        code_challenge_methods_supported: [crate::pkce::METHOD],
        authorization_response_iss_parameter_supported: true,
    })
}
