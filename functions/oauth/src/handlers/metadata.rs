use crate::oidc;
use crate::views::Metadata;
use axum::extract::State;
use axum::Json;
use domain::scopes;
use identity::AppState;

const CLIENT_AUTH: &[&str] = &["client_secret_basic", "client_secret_post", "none"];

/// `GET /.well-known/oauth-authorization-server` (RFC 8414) and
/// `GET /.well-known/openid-configuration` (OpenID Connect Discovery 1.0):
/// one document, built from the configured issuer.
pub async fn metadata(State(state): State<AppState>) -> Json<Metadata> {
    let issuer = state.config.oauth_issuer.clone();
    Json(Metadata {
        authorization_endpoint: format!("{issuer}/oauth/authorize"),
        token_endpoint: format!("{issuer}/oauth/token"),
        userinfo_endpoint: format!("{issuer}/userinfo"),
        revocation_endpoint: format!("{issuer}/oauth/revoke"),
        introspection_endpoint: format!("{issuer}/oauth/introspect"),
        end_session_endpoint: format!("{issuer}/oauth/logout"),
        jwks_uri: format!("{issuer}/.well-known/jwks.json"),
        issuer,
        scopes_supported: scopes::ALL,
        response_types_supported: &["code"],
        response_modes_supported: &["query"],
        grant_types_supported: &["authorization_code", "refresh_token", "client_credentials"],
        subject_types_supported: &["public"],
        id_token_signing_alg_values_supported: &["ES256"],
        token_endpoint_auth_methods_supported: CLIENT_AUTH,
        revocation_endpoint_auth_methods_supported: CLIENT_AUTH,
        introspection_endpoint_auth_methods_supported: &[
            "client_secret_basic",
            "client_secret_post",
        ],
        code_challenge_methods_supported: &[crate::pkce::METHOD],
        claims_supported: &[
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "acr",
            "amr",
            "at_hash",
            "sid",
            "azp",
            "preferred_username",
            "name",
            "given_name",
            "family_name",
            "gender",
            "birthdate",
            "zoneinfo",
            "locale",
            "email",
            "email_verified",
        ],
        acr_values_supported: &[oidc::ACR_PASSWORD, oidc::ACR_MFA],
        prompt_values_supported: &["none", "login", "consent", "select_account"],
        ui_locales_supported: &["en", "es"],
        claims_parameter_supported: false,
        request_parameter_supported: false,
        request_uri_parameter_supported: false,
        authorization_response_iss_parameter_supported: true,
    })
}
