//! `grant_type=authorization_code`: one round trip reads the client and the
//! code; every check runs in code; one transaction marks the code used
//! (exactly one caller wins), re-checks the user's revocation stamp and
//! creates the refresh family.

use super::token::TokenRequest;
use crate::client_auth::Credentials;
use crate::refresh_token::RefreshToken;
use crate::views::{no_store, TokenResponse};
use crate::{pkce, OAuthError};
use axum::response::Response;
use domain::opaque::OpaqueToken;
use domain::scopes::ScopeSet;
use domain::time;
use identity::jwt;
use identity::AppState;
use table::{GrantWriteError, RefreshFamily};
use web::required;

pub async fn exchange(
    state: &AppState,
    creds: Credentials,
    req: TokenRequest,
) -> Result<Response, OAuthError> {
    let raw_code = required(req.code, "code")?;
    let redirect_uri = required(req.redirect_uri, "redirect_uri")?;
    if let Some(v) = &req.code_verifier {
        if !pkce::is_verifier(v) {
            return Err(OAuthError::invalid_request(
                "code_verifier: must be 43 to 128 unreserved characters",
            ));
        }
    }
    let code = OpaqueToken::parse(&raw_code)
        .ok_or_else(|| OAuthError::invalid_grant("the code is invalid, expired or used"))?;
    let hash = code.hash();
    let (client, stored) = tokio::join!(
        state.store.get_oauth_client(&creds.client_id),
        state.store.get_auth_code(&hash)
    );
    let client = creds.authenticate(client?)?;
    let invalid = || OAuthError::invalid_grant("the code is invalid, expired or used");
    let stored = stored?.ok_or_else(invalid)?;
    if stored.client_id != client.client_id {
        return Err(invalid());
    }
    if stored.used_at.is_some() {
        // A replayed code: revoke what its first redemption issued
        // (RFC 6749 §4.1.2).
        state.store.revoke_refresh_family(&stored.family_id).await?;
        return Err(invalid());
    }
    if time::now_secs() >= stored.expires_at {
        return Err(invalid());
    }
    if stored.redirect_uri != redirect_uri {
        return Err(OAuthError::invalid_grant(
            "redirect_uri differs from the authorization request",
        ));
    }
    match (&stored.code_challenge, &req.code_verifier) {
        (Some(challenge), Some(verifier)) if pkce::verify(verifier, challenge) => {}
        (Some(_), Some(_)) => {
            return Err(OAuthError::invalid_grant(
                "code_verifier does not match the code_challenge",
            ))
        }
        (Some(_), None) => return Err(OAuthError::invalid_grant("code_verifier is required")),
        // A verifier for a code issued without a challenge is a downgrade attempt.
        (None, Some(_)) => {
            return Err(OAuthError::invalid_grant(
                "the authorization request carried no code_challenge",
            ))
        }
        (None, None) => {}
    }

    let refresh = RefreshToken::generate(&stored.family_id);
    let family = RefreshFamily {
        family_id: stored.family_id.clone(),
        user_id: stored.user_id.clone(),
        client_id: client.client_id.clone(),
        scope: stored.scope.clone(),
        issued_at: stored.issued_at,
        expires_at: time::now_secs() + state.config.refresh_token_ttl_secs,
        current_hash: refresh.hash(),
        rotations: 0,
        revoked: false,
        session: stored.session.clone(),
    };
    match state.store.redeem_auth_code(&hash, &stored, &family).await {
        Ok(()) => {}
        Err(GrantWriteError::Replayed) => {
            state.store.revoke_refresh_family(&stored.family_id).await?;
            return Err(invalid());
        }
        Err(GrantWriteError::UserVoided) => return Err(invalid()),
        Err(GrantWriteError::Store(e)) => return Err(e.into()),
    }
    let scopes = ScopeSet::parse_lenient(&stored.scope);
    let access = jwt::mint(
        state,
        &stored.user_id,
        &client.client_id,
        &scopes,
        Some(&stored.family_id),
    )
    .await?;
    Ok(no_store(TokenResponse {
        access_token: access.token,
        token_type: "Bearer",
        expires_in: access.expires_in,
        refresh_token: refresh.expose().to_owned(),
        scope: scopes.to_string(),
    }))
}
