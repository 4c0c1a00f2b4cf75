//! `grant_type=authorization_code`: one round trip reads the client and the
//! code; every check runs in code; one transaction marks the code used
//! (exactly one caller wins), re-checks the user's revocation stamp and
//! creates the refresh family.

use super::token::{respond, revoke_replayed, Grant, TokenRequest};
use crate::client_auth::Credentials;
use crate::error::invalid_grant;
use crate::oidc::id_token;
use crate::pkce;
use crate::refresh_token::RefreshToken;
use axum::response::Response;
use domain::opaque::OpaqueToken;
use domain::scopes::ScopeSet;
use domain::{time, Error};
use identity::AppState;
use table::{AuthCode, GrantWriteError, RefreshFamily};
use web::required;

pub async fn exchange(
    state: &AppState,
    creds: Credentials,
    req: TokenRequest,
) -> Result<Response, Error> {
    let raw_code = required(req.code, "code")?;
    let redirect_uri = required(req.redirect_uri, "redirect_uri")?;
    if req
        .code_verifier
        .as_deref()
        .is_some_and(|v| !pkce::is_verifier(v))
    {
        return Err(Error::invalid(
            "code_verifier",
            "must be 43 to 128 unreserved characters",
        ));
    }
    // The client is authenticated before anything about the code is said:
    // a caller without the client's credentials learns nothing of it.
    let hash = OpaqueToken::parse(&raw_code).map(|code| code.hash());
    let stored = async {
        match &hash {
            Some(hash) => state.store.get_auth_code(hash).await,
            None => Ok(None),
        }
    };
    let (client, stored) = tokio::join!(state.store.get_oauth_client(&creds.client_id), stored);
    let client = creds.authenticate(client?)?;
    let (Some(hash), Some(stored)) = (hash, stored?) else {
        return Err(invalid());
    };
    if stored.client_id != client.client_id {
        return Err(invalid());
    }
    if stored.used_at.is_some() {
        // A replayed code: revoke what its first redemption issued
        // (RFC 6749 §4.1.2).
        return Err(replayed(state, &stored).await);
    }
    if time::now_secs() >= stored.expires_at {
        return Err(invalid());
    }
    if stored.redirect_uri != redirect_uri {
        return Err(invalid_grant(
            "redirect_uri differs from the authorization request",
        ));
    }
    check_verifier(
        stored.code_challenge.as_deref(),
        req.code_verifier.as_deref(),
    )?;
    redeem(state, &hash, &stored).await
}

fn invalid() -> Error {
    invalid_grant("the code is invalid, expired or used")
}

/// PKCE: the verifier must answer the challenge the code was issued with.
fn check_verifier(challenge: Option<&str>, verifier: Option<&str>) -> Result<(), Error> {
    match (challenge, verifier) {
        (Some(challenge), Some(verifier)) if pkce::verify(verifier, challenge) => Ok(()),
        (Some(_), Some(_)) => Err(invalid_grant(
            "code_verifier does not match the code_challenge",
        )),
        (Some(_), None) => Err(invalid_grant("code_verifier is required")),
        // A verifier for a code issued without a challenge is a downgrade attempt.
        (None, Some(_)) => Err(invalid_grant(
            "the authorization request carried no code_challenge",
        )),
        (None, None) => Ok(()),
    }
}

/// Marks the code used and creates its refresh family; a lost race is a
/// replay and revokes what the winner issued.
async fn redeem(state: &AppState, hash: &str, stored: &AuthCode) -> Result<Response, Error> {
    let refresh = RefreshToken::generate(&stored.family_id);
    let family = RefreshFamily {
        family_id: stored.family_id.clone(),
        user_id: stored.user_id.clone(),
        client_id: stored.client_id.clone(),
        scope: stored.scope.clone(),
        issued_at: stored.issued_at,
        expires_at: time::now_secs() + state.config.refresh_token_ttl_secs,
        current_hash: refresh.hash(),
        rotations: 0,
        revoked: false,
        session: stored.session.clone(),
        sign_in: stored.sign_in.clone(),
        last_rotation: None,
    };
    match state.store.redeem_auth_code(hash, stored, &family).await {
        Ok(()) => {}
        Err(GrantWriteError::Replayed) => return Err(replayed(state, stored).await),
        Err(GrantWriteError::UserVoided) => return Err(invalid()),
        Err(GrantWriteError::Store(e)) => return Err(e.into()),
    }
    let grant = Grant {
        user_id: &stored.user_id,
        client_id: &stored.client_id,
        scopes: ScopeSet::parse_lenient(&stored.scope),
        family_id: &stored.family_id,
        sign_in: id_token::Facts {
            sign_in: &stored.sign_in,
            nonce: stored.nonce.as_deref(),
            session: stored.session.as_deref(),
        },
    };
    respond(state, grant, refresh).await
}

/// The answer to a replayed code, once what it issued is revoked.
async fn replayed(state: &AppState, stored: &AuthCode) -> Error {
    let (id, user) = (&stored.family_id, &stored.user_id);
    match revoke_replayed(state, id, user, &stored.client_id, "code_reused").await {
        Ok(()) => invalid(),
        Err(e) => e,
    }
}
