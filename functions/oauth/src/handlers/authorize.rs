use crate::error::login_required;
use crate::refresh_token::new_family_id;
use crate::{pkce, OAuthError};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::opaque::{hash_secret, OpaqueToken};
use domain::scopes::ScopeSet;
use domain::{time, Error};
use identity::AppState;
use identity::{session, AuthError};
use serde::Deserialize;
use table::{AuthCode, ClientType, GrantWriteError, OAuthClient, StoreError, TokenRecord};
use web::{required, Input};

#[derive(Deserialize)]
pub struct AuthorizeRequest {
    response_type: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
}

/// Lifetime of an authorization code (RFC 6749 §4.1.2 recommends ≤ 10 min;
/// the platform allows one).
pub const CODE_TTL_SECS: i64 = 60;
/// Longest `state` echoed back.
const MAX_STATE: usize = 1024;
const MAX_CLIENT_ID: usize = 256;

/// `GET /oauth/authorize`: the signed-in user (cookie session) grants the
/// client a code. Until the client and its exact redirect URI are known,
/// errors are answered here (400); after that they go back to the client
/// as `error=` on the redirect URI (RFC 6749 §4.1.2.1). Two round trips:
/// the client and the session read together, then the code written with a
/// check that the user has not voided the session meanwhile.
pub async fn authorize(
    State(state): State<AppState>,
    headers: HeaderMap,
    Input(req, _): Input<AuthorizeRequest, OAuthError>,
) -> Result<Response, OAuthError> {
    let client_id = required(req.client_id.clone(), "client_id")?;
    let redirect_uri = required(req.redirect_uri.clone(), "redirect_uri")?;
    if client_id.is_empty() || client_id.len() > MAX_CLIENT_ID {
        return Err(unknown_client().into());
    }
    let session_token = session::cookie_token(&headers);
    let (client, session) = tokio::join!(
        state.store.get_oauth_client(&client_id),
        signed_in(&state, session_token.as_deref())
    );
    let client = client?.ok_or_else(unknown_client)?;
    if !client.redirect_uris.contains(&redirect_uri) {
        return Err(Error::invalid(
            "redirect_uri",
            "does not match a URI registered for the client",
        )
        .into());
    }
    // From here on the redirect URI is trusted: errors go back through it.
    let back = Redirect {
        uri: &redirect_uri,
        state: req.state.as_deref(),
        issuer: &state.config.oauth_issuer,
    };
    if req.state.as_ref().is_some_and(|s| s.len() > MAX_STATE) {
        return Ok(Redirect {
            state: None,
            ..back
        }
        .error("invalid_request", "state is too long"));
    }
    let (scopes, challenge) = match check_request(&req, &client) {
        Ok(checked) => checked,
        Err((error, description)) => return Ok(back.error(error, &description)),
    };
    let Some(session) = session? else {
        return Err(login_required().into());
    };
    let code = OpaqueToken::generate();
    let now_ms = time::now_ms();
    let record = AuthCode {
        client_id: client.client_id,
        user_id: session.user_id,
        redirect_uri: redirect_uri.clone(),
        scope: scopes.to_string(),
        code_challenge: challenge,
        family_id: new_family_id(),
        issued_at: now_ms,
        expires_at: now_ms.div_euclid(1000) + CODE_TTL_SECS,
        used_at: None,
        session: session_token.as_deref().map(hash_secret),
    };
    match state
        .store
        .put_auth_code(&code.hash(), &record, session.issued_at)
        .await
    {
        Ok(()) => Ok(back.success(code.expose())),
        Err(GrantWriteError::UserVoided) => Err(login_required().into()),
        Err(GrantWriteError::Replayed) => {
            Err(Error::internal("authorization code collision").into())
        }
        Err(GrantWriteError::Store(e)) => Err(e.into()),
    }
}

fn unknown_client() -> Error {
    Error::invalid("client_id", "unknown client")
}

/// The cookie session, if it is a live one.
async fn signed_in(
    state: &AppState,
    token: Option<&str>,
) -> Result<Option<TokenRecord>, StoreError> {
    let Some(raw) = token else {
        return Ok(None);
    };
    match identity::resolve(&state.store, raw, session::KIND).await {
        Ok(record) => Ok(Some(record)),
        Err(AuthError::InvalidToken) => Ok(None),
        Err(AuthError::Store(e)) => Err(e),
    }
}

/// An error sent back through the redirect URI: its code and description.
type Refusal = (&'static str, String);

/// The request's scopes and PKCE challenge, checked against the client.
fn check_request(
    req: &AuthorizeRequest,
    client: &OAuthClient,
) -> Result<(ScopeSet, Option<String>), Refusal> {
    let refuse = |error, description: &str| Err((error, description.to_owned()));
    match req.response_type.as_deref() {
        Some("code") => {}
        None => return refuse("invalid_request", "response_type is required"),
        Some(_) => {
            return refuse(
                "unsupported_response_type",
                "only response_type=code is supported",
            )
        }
    }
    let scopes = match req.scope.as_deref().map(ScopeSet::parse) {
        None => return refuse("invalid_scope", "scope is required"),
        Some(Err(e)) => return refuse("invalid_scope", &e.to_string()),
        Some(Ok(s)) if s.is_empty() => return refuse("invalid_scope", "scope is empty"),
        Some(Ok(s)) => s,
    };
    if !scopes.is_subset_of(&ScopeSet::parse_lenient(&client.scopes)) {
        return refuse(
            "invalid_scope",
            "scope asks for more than the client is allowed",
        );
    }
    let challenge = match (
        req.code_challenge.as_deref(),
        req.code_challenge_method.as_deref(),
    ) {
        (Some(c), Some(pkce::METHOD)) if pkce::is_challenge(c) => Some(c.to_owned()),
        (Some(_), Some(pkce::METHOD)) => {
            return refuse("invalid_request", "code_challenge is malformed")
        }
        (Some(_), _) => return refuse("invalid_request", "code_challenge_method must be S256"),
        (None, Some(_)) => return refuse("invalid_request", "code_challenge is required"),
        (None, None) if client.client_type == ClientType::Public => {
            return refuse(
                "invalid_request",
                "PKCE is required: send code_challenge with code_challenge_method=S256",
            )
        }
        (None, None) => None,
    };
    Ok((scopes, challenge))
}

/// The way back to the client: its redirect URI plus `state` and `iss`
/// (RFC 9207, so a client talking to several servers can tell who answered).
struct Redirect<'a> {
    uri: &'a str,
    state: Option<&'a str>,
    issuer: &'a str,
}

impl Redirect<'_> {
    fn success(&self, code: &str) -> Response {
        self.to(&[("code", code)])
    }

    fn error(&self, error: &str, description: &str) -> Response {
        self.to(&[("error", error), ("error_description", description)])
    }

    fn to(&self, params: &[(&str, &str)]) -> Response {
        // Registered URIs are absolute, fragment-free URLs (registration.rs).
        let mut url = match url::Url::parse(self.uri) {
            Ok(url) => url,
            Err(_) => return internal("a registered redirect URI does not parse"),
        };
        {
            let mut query = url.query_pairs_mut();
            for (k, v) in params {
                query.append_pair(k, v);
            }
            if let Some(state) = self.state {
                query.append_pair("state", state);
            }
            query.append_pair("iss", self.issuer);
        }
        let mut res = StatusCode::FOUND.into_response();
        let headers = res.headers_mut();
        match HeaderValue::from_str(url.as_str()) {
            Ok(location) => headers.insert(header::LOCATION, location),
            Err(_) => return internal("a redirect URL is not a header value"),
        };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        res
    }
}

fn internal(detail: &str) -> Response {
    OAuthError::new(Error::internal(detail)).into_response()
}
