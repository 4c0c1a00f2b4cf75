//! `grant_type=client_credentials` (RFC 6749 §4.4): a confidential client
//! gets an access token for itself, with scopes from those it is
//! registered with; the OpenID Connect scopes name a user and are never
//! granted here. No refresh token, no `id_token`. Nothing is written.

use super::token::TokenRequest;
use crate::client_auth::Credentials;
use crate::error::{invalid_scope, unauthorized_client};
use crate::views::{no_store, TokenResponse};
use axum::response::Response;
use domain::scopes::{self, ScopeSet};
use domain::Error;
use identity::jwt;
use identity::AppState;
use table::ClientType;

pub async fn grant(
    state: &AppState,
    creds: Credentials,
    req: TokenRequest,
) -> Result<Response, Error> {
    let client = creds.authenticate(state.store.get_oauth_client(&creds.client_id).await?)?;
    if client.client_type != ClientType::Confidential {
        return Err(unauthorized_client(
            "client_credentials is for confidential clients",
        ));
    }
    let allowed = machine_scopes(&ScopeSet::parse_lenient(&client.scopes));
    let scopes = match req.scope.as_deref().map(ScopeSet::parse) {
        None => allowed,
        Some(Err(e)) => return Err(invalid_scope(e.to_string())),
        Some(Ok(asked)) if asked.is_empty() => allowed,
        Some(Ok(asked)) if asked.is_subset_of(&allowed) => asked,
        Some(Ok(_)) => {
            return Err(invalid_scope(
                "scope asks for more than the client is granted for itself",
            ))
        }
    };
    if scopes.is_empty() {
        return Err(invalid_scope("the client is granted no scope for itself"));
    }
    let access = jwt::mint_for_client(&state.access_tokens, &client.client_id, &scopes).await?;
    Ok(no_store(TokenResponse {
        access_token: access.token,
        token_type: "Bearer",
        expires_in: access.expires_in,
        refresh_token: None,
        scope: scopes.to_string(),
        id_token: None,
    }))
}

/// A client's scopes minus those that only mean something for a user.
fn machine_scopes(registered: &ScopeSet) -> ScopeSet {
    let kept: Vec<&str> = registered
        .iter()
        .filter(|s| !matches!(*s, scopes::OPENID | scopes::PROFILE | scopes::EMAIL))
        .collect();
    ScopeSet::parse_lenient(&kept.join(" "))
}
