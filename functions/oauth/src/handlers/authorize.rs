use crate::authorization_request::{check_request, AuthorizeRequest, Checked};
use crate::redirect::Redirect;
use crate::refresh_token::new_family_id;
use crate::to_pages::Pages;
use crate::OAuthError;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use domain::opaque::{hash_secret, OpaqueToken};
use domain::{time, Error};
use identity::AppState;
use identity::{consent, session, AuthError};
use table::{AuthCode, GrantWriteError, SignInFacts, StoreError, TokenRecord};
use web::{required, Input};

/// Lifetime of an authorization code (RFC 6749 §4.1.2 recommends ≤ 10 min;
/// the platform allows one).
pub const CODE_TTL_SECS: i64 = 60;
/// Longest `state` echoed back.
const MAX_STATE: usize = 1024;
const MAX_CLIENT_ID: usize = 256;

/// `GET /oauth/authorize`: the signed-in user (cookie session) grants the
/// client a code; without a session (or with `prompt=login`, or a sign-in
/// older than `max_age`) the browser goes to the hosted sign-in page and
/// comes back. Until the client and its exact redirect URI are known,
/// errors are answered here (400); after that they go back to the client
/// as `error=` on the redirect URI (RFC 6749 §4.1.2.1). Two round trips:
/// the client and the session read together, then the code written with a
/// check that the user has not voided the session meanwhile.
pub async fn authorize(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
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
    let checked = match check_request(&req, &client) {
        Ok(checked) => checked,
        Err((error, description)) => return Ok(back.error(error, &description)),
    };
    let pages = Pages::new(&state, &uri, &req);
    if checked.denied {
        return Ok(back.error("access_denied", "the user did not allow the request"));
    }
    let prompt = checked.prompt;
    let session = match session? {
        Some(s) if !prompt.login && !checked.too_old(&s) => s,
        _ if prompt.none => return Ok(back.error("login_required", "the user is not signed in")),
        _ => return Ok(pages.sign_in(prompt)),
    };
    let consent = &checked.scopes;
    if !consent::is_granted(&state, &session.user_id, &client, consent, prompt.consent).await? {
        if prompt.none {
            return Ok(back.error("consent_required", "the user has not allowed this client"));
        }
        return Ok(pages.consent());
    }
    let code = OpaqueToken::generate();
    let granted_by = session.issued_at;
    let record = Grant {
        client_id,
        redirect_uri: redirect_uri.clone(),
        session_token: session_token.as_deref(),
    }
    .code(checked, req.nonce.clone(), session);
    match state
        .store
        .put_auth_code(&code.hash(), &record, granted_by)
        .await
    {
        Ok(()) => Ok(back.success(code.expose())),
        Err(GrantWriteError::UserVoided) => Ok(pages.sign_in(prompt)),
        Err(GrantWriteError::Replayed) => {
            Err(Error::internal("authorization code collision").into())
        }
        Err(GrantWriteError::Store(e)) => Err(e.into()),
    }
}

/// Who is granted what, through which session.
struct Grant<'a> {
    client_id: String,
    redirect_uri: String,
    session_token: Option<&'a str>,
}

impl Grant<'_> {
    /// The code's record: the checked request, and the session's user and
    /// sign-in (what the `id_token` will state).
    fn code(self, checked: Checked, nonce: Option<String>, session: TokenRecord) -> AuthCode {
        let now_ms = time::now_ms();
        AuthCode {
            client_id: self.client_id,
            user_id: session.user_id,
            redirect_uri: self.redirect_uri,
            scope: checked.scopes.to_string(),
            code_challenge: checked.challenge,
            family_id: new_family_id(),
            issued_at: now_ms,
            expires_at: now_ms.div_euclid(1000) + CODE_TTL_SECS,
            used_at: None,
            session: self.session_token.map(hash_secret),
            nonce,
            sign_in: SignInFacts {
                auth_time: Some(session.issued_at.div_euclid(1000)),
                amr: session.amr,
            },
        }
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
