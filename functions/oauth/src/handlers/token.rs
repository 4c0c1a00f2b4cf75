use super::{token_client, token_code, token_refresh};
use crate::client_auth::Credentials;
use crate::error::{body_only, unsupported_grant_type};
use crate::oidc::id_token;
use crate::refresh_token::RefreshToken;
use crate::views::{no_store, TokenResponse};
use crate::OAuthError;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use domain::scopes::ScopeSet;
use domain::{Error, UserId};
use identity::jwt;
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

/// `POST /oauth/token`: the `authorization_code`, `refresh_token` and
/// `client_credentials` grants.
pub async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Input(req, _): Input<TokenRequest, OAuthError>,
) -> Result<Response, OAuthError> {
    // Codes, verifiers and secrets in a URL end up in logs and histories.
    if uri.query().is_some() {
        return Err(body_only().into());
    }
    let grant_type = required(req.grant_type.clone(), "grant_type")?;
    if !matches!(
        grant_type.as_str(),
        "authorization_code" | "refresh_token" | "client_credentials"
    ) {
        return Err(unsupported_grant_type().into());
    }
    let creds =
        Credentials::from_request(&headers, req.client_id.clone(), req.client_secret.clone())?;
    let response = match grant_type.as_str() {
        "authorization_code" => token_code::exchange(&state, creds, req).await?,
        "refresh_token" => token_refresh::refresh(&state, creds, req).await?,
        _ => token_client::grant(&state, creds, req).await?,
    };
    Ok(response)
}

/// The grant's owner, client and scopes, and the family it rotates in.
pub struct Grant<'a> {
    pub user_id: &'a UserId,
    pub client_id: &'a str,
    pub scopes: ScopeSet,
    pub family_id: &'a str,
    /// What the `id_token` states, when `openid` was granted.
    pub sign_in: id_token::Facts<'a>,
}

/// The token response (RFC 6749 §5.1): a new access token for `grant`,
/// with `refresh` as the family's next refresh token.
pub async fn respond(
    state: &AppState,
    grant: Grant<'_>,
    refresh: RefreshToken,
) -> Result<Response, Error> {
    let access = jwt::mint(
        &state.access_tokens,
        grant.user_id,
        grant.client_id,
        &grant.scopes,
        Some(grant.family_id),
    )
    .await?;
    let id_token = match grant.scopes.contains(domain::scopes::OPENID) {
        true => Some(
            id_token::mint(
                &state.access_tokens,
                grant.user_id,
                grant.client_id,
                grant.sign_in,
                &access.token,
            )
            .await?,
        ),
        false => None,
    };
    // With `user_sites`, the Sites API's RESOURCE_URI (its base URL).
    let resource_uri = grant
        .scopes
        .contains(domain::scopes::USER_SITES)
        .then(|| state.config.sites_resource_uri());
    Ok(no_store(WithResource {
        token: TokenResponse {
            access_token: access.token,
            token_type: "Bearer",
            expires_in: access.expires_in,
            refresh_token: Some(refresh.expose().to_owned()),
            scope: grant.scopes.to_string(),
            id_token,
        },
        resource_uri,
    }))
}

/// The token response plus `resource_uri` when the Sites API was granted.
#[derive(serde::Serialize)]
struct WithResource {
    #[serde(flatten)]
    token: TokenResponse,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_uri: Option<String>,
}

/// A replayed code or refresh token: its grant is revoked (the token may
/// be stolen), and the user's security log says so, beside the revocation.
pub(super) async fn revoke_replayed(
    state: &AppState,
    family_id: &str,
    user: &domain::UserId,
    client_id: &str,
    replayed: &str,
) -> Result<(), Error> {
    use domain::audit::{Actor, Event, Kind};
    let event = Event::new(Kind::TokenRevoked, Actor::Platform)
        .with("client_id", client_id)
        .with("reason", replayed);
    let (revoked, ()) = tokio::join!(
        state.store.revoke_refresh_family(family_id),
        table::audit::record(&state.store, user, &event)
    );
    revoked?;
    Ok(())
}
