use crate::client_auth::Credentials;
use crate::error::body_only;
use crate::refresh_token::RefreshToken;
use crate::views::no_store;
use crate::OAuthError;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use domain::audit::{Actor, Event, Kind};
use identity::jwt;
use identity::AppState;
use serde::Deserialize;
use web::{required, Input, SignInAttempt};

#[derive(Deserialize)]
pub struct RevokeRequest {
    token: Option<String>,
    /// Accepted and ignored: the token's shape says what it is.
    #[allow(dead_code)]
    token_type_hint: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

/// `POST /oauth/revoke` (RFC 7009). A refresh token, or an access token,
/// revokes its whole family: the refresh token stops rotating and every
/// access token of the family fails its next bearer check. Unknown, expired
/// and other clients' tokens get the same 200, so the endpoint tells nobody
/// what exists.
pub async fn revoke(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    headers: HeaderMap,
    uri: Uri,
    Input(req, _): Input<RevokeRequest, OAuthError>,
) -> Result<Response, OAuthError> {
    if uri.query().is_some() {
        return Err(body_only().into());
    }
    let token = required(req.token, "token")?;
    let creds = Credentials::from_request(&headers, req.client_id, req.client_secret)?;
    let family_id = match RefreshToken::parse(&token) {
        Some(refresh) => Some(refresh.family_id),
        // An access token: only a valid one names a family worth revoking.
        None => match jwt::verify(&state.access_tokens, &token).await {
            Ok(claims) => claims.fid.filter(|_| claims.client_id == creds.client_id),
            Err(jwt::JwtError::Invalid) => None,
            Err(jwt::JwtError::Keys(e)) => return Err(e.into()),
        },
    };
    let family = async {
        match &family_id {
            Some(id) => state.store.get_refresh_family(id).await,
            None => Ok(None),
        }
    };
    let (client, family) = tokio::join!(state.store.get_oauth_client(&creds.client_id), family);
    let client = creds.authenticate(client?)?;
    if let Some(family) = family? {
        if family.client_id == client.client_id && !family.revoked {
            // The app revoked its own grant: the user's log says which app.
            let event = Event::new(Kind::TokenRevoked, Actor::App)
                .from(attempt.source, attempt.user_agent.as_deref())
                .with("client_id", client.client_id.as_str());
            let (revoked, ()) = tokio::join!(
                state.store.revoke_refresh_family(&family.family_id),
                table::audit::record(&state.store, &family.user_id, &event)
            );
            revoked?;
        }
    }
    Ok(no_store(serde_json::json!({})))
}
