//! `grant_type=refresh_token`: one round trip reads the client and the
//! family; one transaction rotates the token (the presented one must still
//! be current) and re-checks the user's revocation stamp. A token that is
//! not current was rotated already: presented again by its client within
//! `REUSE_GRACE_MS` of that rotation it gets the same successor; later,
//! its reuse revokes the whole family.

use super::token::{respond, revoke_replayed, Grant, TokenRequest};
use crate::client_auth::Credentials;
use crate::error::{invalid_grant, invalid_scope};
use crate::oidc::id_token;
use crate::refresh_token::{RefreshToken, REUSE_GRACE_MS};
use axum::response::Response;
use domain::scopes::ScopeSet;
use domain::{time, Error};
use identity::AppState;
use subtle::ConstantTimeEq;
use table::{GrantWriteError, RefreshFamily, Rotation};
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
        return replayed(state, &family, &presented, requested).await;
    }
    let scopes = narrowed(&family, requested.clone())?;
    let next = RefreshToken::generate(&family.family_id);
    let rotation = Rotation {
        replaced_hash: presented_hash,
        at_ms: time::now_ms(),
        successor_sealed: presented.seal_successor(&next),
    };
    match state
        .store
        .rotate_refresh(&family, &next.hash(), &rotation)
        .await
    {
        Ok(()) => {}
        Err(GrantWriteError::Replayed) => {
            // Another request rotated this very token a moment ago.
            let family = state.store.get_refresh_family(&family.family_id).await?;
            return match family {
                Some(family) => replayed(state, &family, &presented, requested).await,
                None => Err(invalid()),
            };
        }
        Err(GrantWriteError::UserVoided) => return Err(invalid()),
        Err(GrantWriteError::Store(e)) => return Err(e.into()),
    }
    issue(state, &family, scopes, next).await
}

/// A token that is no longer current: within the grace window after its
/// own rotation, the same successor again (REUSE_GRACE_MS); otherwise
/// reuse, which revokes the whole family.
async fn replayed(
    state: &AppState,
    family: &RefreshFamily,
    presented: &RefreshToken,
    requested: Option<ScopeSet>,
) -> Result<Response, Error> {
    if let Some(successor) = within_grace(family, presented) {
        // The user may have voided the family since: check as a rotation would.
        if state.store.refresh_family_holder(family).await?.is_some() {
            let scopes = narrowed(family, requested)?;
            return issue(state, family, scopes, successor).await;
        }
        return Err(invalid());
    }
    tracing::warn!(client = %family.client_id, "refresh token reuse: family revoked");
    let (id, user) = (&family.family_id, &family.user_id);
    revoke_replayed(state, id, user, &family.client_id, "refresh_token_reused").await?;
    Err(invalid())
}

fn within_grace(family: &RefreshFamily, presented: &RefreshToken) -> Option<RefreshToken> {
    let rotation = family.last_rotation.as_ref()?;
    let same: bool = presented
        .hash()
        .as_bytes()
        .ct_eq(rotation.replaced_hash.as_bytes())
        .into();
    let fresh = time::now_ms() - rotation.at_ms <= REUSE_GRACE_MS;
    if !same || !fresh || family.revoked {
        return None;
    }
    presented
        .open_successor(&rotation.successor_sealed)
        .filter(|next| next.hash() == family.current_hash)
}

/// The scopes of the new access token: the grant's, or fewer if asked.
fn narrowed(family: &RefreshFamily, requested: Option<ScopeSet>) -> Result<ScopeSet, Error> {
    let granted = ScopeSet::parse_lenient(&family.scope);
    match requested {
        Some(r) if r.is_empty() => Ok(granted),
        Some(r) if r.is_subset_of(&granted) => Ok(r),
        Some(_) => Err(invalid_scope("scope asks for more than the original grant")),
        None => Ok(granted),
    }
}

async fn issue(
    state: &AppState,
    family: &RefreshFamily,
    scopes: ScopeSet,
    next: RefreshToken,
) -> Result<Response, Error> {
    let grant = Grant {
        user_id: &family.user_id,
        client_id: &family.client_id,
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
