//! `grant_type=refresh_token`: one round trip reads the client and the
//! family; one transaction rotates the token (the presented one must still
//! be current) and re-checks the user's revocation stamp. A token that is
//! not current was rotated already: its reuse revokes the whole family.

use super::token::{respond, Grant, TokenRequest};
use crate::client_auth::Credentials;
use crate::error::{invalid_grant, invalid_scope};
use crate::oidc::id_token;
use crate::refresh_token::RefreshToken;
use axum::response::Response;
use domain::scopes::ScopeSet;
use domain::{time, Error};
use identity::AppState;
use subtle::ConstantTimeEq;
use table::GrantWriteError;
use web::required;

pub async fn refresh(
    state: &AppState,
    creds: Credentials,
    req: TokenRequest,
) -> Result<Response, Error> {
    let raw = required(req.refresh_token, "refresh_token")?;
    // The client is authenticated before anything about the token is said:
    // a caller without the client's credentials learns nothing of it.
    let presented = RefreshToken::parse(&raw);
    let family = async {
        match &presented {
            Some(p) => state.store.get_refresh_family(&p.family_id).await,
            None => Ok(None),
        }
    };
    let (client, family) = tokio::join!(state.store.get_oauth_client(&creds.client_id), family);
    let client = creds.authenticate(client?)?;
    let requested = req
        .scope
        .as_deref()
        .map(ScopeSet::parse)
        .transpose()
        .map_err(|e| invalid_scope(e.to_string()))?;
    let (Some(presented), Some(family)) = (presented, family?) else {
        return Err(invalid());
    };
    if family.client_id != client.client_id
        || family.revoked
        || time::now_secs() >= family.expires_at
    {
        return Err(invalid());
    }
    let presented_hash = presented.hash();
    let current: bool = presented_hash
        .as_bytes()
        .ct_eq(family.current_hash.as_bytes())
        .into();
    if !current {
        tracing::warn!(client = %client.client_id, "refresh token reuse: family revoked");
        state.store.revoke_refresh_family(&family.family_id).await?;
        return Err(invalid());
    }
    let granted_scopes = ScopeSet::parse_lenient(&family.scope);
    let scopes = match requested {
        Some(r) if r.is_empty() => granted_scopes,
        Some(r) if r.is_subset_of(&granted_scopes) => r,
        Some(_) => return Err(invalid_scope("scope asks for more than the original grant")),
        None => granted_scopes,
    };

    let next = RefreshToken::generate(&family.family_id);
    match state
        .store
        .rotate_refresh(&family, &presented_hash, &next.hash())
        .await
    {
        Ok(()) => {}
        Err(GrantWriteError::Replayed) => {
            // Another request rotated this very token a moment ago: reuse.
            state.store.revoke_refresh_family(&family.family_id).await?;
            return Err(invalid());
        }
        Err(GrantWriteError::UserVoided) => return Err(invalid()),
        Err(GrantWriteError::Store(e)) => return Err(e.into()),
    }
    let grant = Grant {
        user_id: &family.user_id,
        client_id: &client.client_id,
        scopes,
        family_id: &family.family_id,
        // A refreshed id_token carries no nonce (Core §12.2).
        sign_in: id_token::Facts {
            sign_in: &family.sign_in,
            nonce: None,
            session: family.session.as_deref(),
        },
    };
    respond(state, grant, next).await
}

fn invalid() -> Error {
    invalid_grant("the refresh token is invalid, expired or revoked")
}
