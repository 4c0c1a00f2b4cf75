use crate::client_auth::Credentials;
use crate::error::{body_only, unauthorized_client};
use crate::refresh_token::RefreshToken;
use crate::views::no_store;
use crate::OAuthError;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use domain::{time, Error, UserId};
use identity::bearer::{self, BearerError};
use identity::jwt::{self, AccessClaims};
use identity::AppState;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use table::{ClientType, RefreshFamily};
use web::{required, Input};

#[derive(Deserialize)]
pub struct IntrospectRequest {
    token: Option<String>,
    /// Accepted and ignored: the token's shape says what it is.
    #[allow(dead_code)]
    token_type_hint: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

/// RFC 7662 §2.2: `active`, and for an active token what it is.
#[derive(Serialize, Default)]
pub struct Introspection {
    active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exp: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iat: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aud: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iss: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    jti: Option<String>,
}

/// `POST /oauth/introspect` (RFC 7662): a resource server (a confidential
/// client) asks whether a token is live and what it carries. An access
/// token is active while its signature, expiry, user (not banned, not
/// voided) and refresh family hold, or, for a `client_credentials` token,
/// while its client exists; a refresh token only to its own client, while
/// it is its family's current one. Anything else is `{"active": false}`.
pub async fn introspect(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Input(req, _): Input<IntrospectRequest, OAuthError>,
) -> Result<Response, OAuthError> {
    if uri.query().is_some() {
        return Err(body_only().into());
    }
    let token = required(req.token, "token")?;
    let creds = Credentials::from_request(&headers, req.client_id, req.client_secret)?;
    let caller = creds.authenticate(state.store.get_oauth_client(&creds.client_id).await?)?;
    if caller.client_type != ClientType::Confidential {
        return Err(unauthorized_client("introspection is for confidential clients").into());
    }
    let answer = match RefreshToken::parse(&token) {
        Some(refresh) => refresh_token(&state, &caller.client_id, &refresh).await?,
        None => access_token(&state, &token).await?,
    };
    Ok(no_store(answer.unwrap_or_default()))
}

async fn access_token(state: &AppState, token: &str) -> Result<Option<Introspection>, Error> {
    let Some(claims) = jwt::verify_any(&state.access_tokens, token).await? else {
        return Ok(None);
    };
    if time::now_secs() >= claims.exp {
        return Ok(None);
    }
    let username = if UserId::parse(&claims.sub).is_ok() {
        match bearer::principal(&state.store, claims.clone()).await {
            Ok(p) => Some(p.user.username),
            Err(BearerError::Store(e)) => return Err(e.into()),
            Err(BearerError::Keys(e)) => return Err(e.into()),
            Err(_) => return Ok(None),
        }
    } else {
        // A client's own token: live while the client is.
        let client = state.store.get_oauth_client(&claims.sub).await?;
        if client.is_none() || claims.sub != claims.client_id {
            return Ok(None);
        }
        None
    };
    Ok(Some(of_access(claims, username)))
}

fn of_access(c: AccessClaims, username: Option<String>) -> Introspection {
    Introspection {
        active: true,
        scope: Some(c.scope),
        client_id: Some(c.client_id),
        username,
        token_type: Some("Bearer"),
        exp: Some(c.exp),
        iat: Some(c.iat),
        sub: Some(c.sub),
        aud: Some(c.aud),
        iss: Some(c.iss),
        jti: Some(c.jti),
    }
}

async fn refresh_token(
    state: &AppState,
    caller: &str,
    refresh: &RefreshToken,
) -> Result<Option<Introspection>, Error> {
    let Some(family) = state.store.get_refresh_family(&refresh.family_id).await? else {
        return Ok(None);
    };
    let current: bool = refresh
        .hash()
        .as_bytes()
        .ct_eq(family.current_hash.as_bytes())
        .into();
    if !current || family.revoked || family.client_id != caller {
        return Ok(None);
    }
    if time::now_secs() >= family.expires_at {
        return Ok(None);
    }
    let Some(user) = state.store.refresh_family_holder(&family).await? else {
        return Ok(None);
    };
    Ok(Some(of_refresh(
        family,
        user.username,
        &state.config.oauth_issuer,
    )))
}

fn of_refresh(f: RefreshFamily, username: String, issuer: &str) -> Introspection {
    Introspection {
        active: true,
        scope: Some(f.scope),
        client_id: Some(f.client_id),
        username: Some(username),
        token_type: Some("refresh_token"),
        exp: Some(f.expires_at),
        iat: Some(f.issued_at.div_euclid(1000)),
        sub: Some(f.user_id.to_string()),
        iss: Some(issuer.to_owned()),
        ..Default::default()
    }
}
