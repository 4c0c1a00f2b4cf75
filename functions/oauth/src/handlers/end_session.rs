use crate::oidc::{id_token, session_id};
use crate::redirect::found;
use crate::OAuthError;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use domain::opaque::hash_secret;
use domain::{Error, OpaqueToken};
use identity::{logout, session, AppState};
use serde::Deserialize;
use web::Input;

#[derive(Deserialize)]
pub struct EndSessionRequest {
    id_token_hint: Option<String>,
    post_logout_redirect_uri: Option<String>,
    client_id: Option<String>,
    state: Option<String>,
    ui_locales: Option<String>,
}

/// Where the browser goes when it asked to sign out but could not prove
/// that the relying party of this very session asked: the hosted pages'
/// confirmation (a form with a CSRF token), so no third-party link can
/// sign anyone out.
pub const CONFIRM_PATH: &str = "/signout";

/// `GET` / `POST /oauth/logout`: RP-initiated logout (OpenID Connect
/// RP-Initiated Logout 1.0). With an `id_token_hint` this server issued
/// for the browser's current session (its `sid`), the session ends at
/// once with every grant it made; the browser then goes to the client's
/// registered `post_logout_redirect_uri` (with `state`), or to the sign-in
/// page. Without such a hint nothing ends here: the browser is sent to the
/// confirmation page. A hint that is not ours, a client that does not
/// match it, or a destination the client did not register is refused
/// (400) and redirects nowhere.
pub async fn end_session(
    State(state): State<AppState>,
    headers: HeaderMap,
    Input(req, _): Input<EndSessionRequest, OAuthError>,
) -> Result<Response, OAuthError> {
    let hint = match req.id_token_hint.as_deref() {
        Some(raw) => Some(
            id_token::read_hint(&state.access_tokens, raw)
                .await?
                .ok_or_else(|| invalid("id_token_hint", "is not an id_token this server issued"))?,
        ),
        None => None,
    };
    let client_id = match (
        hint.as_ref().map(|h| h.aud.as_str()),
        req.client_id.as_deref(),
    ) {
        (Some(aud), Some(id)) if aud != id => {
            return Err(invalid("client_id", "is not the id_token_hint's audience").into())
        }
        (Some(aud), _) => Some(aud.to_owned()),
        (None, id) => id.map(str::to_owned),
    };
    let destination = match &req.post_logout_redirect_uri {
        Some(uri) => Some(registered(&state, client_id.as_deref(), uri).await?),
        None => None,
    };
    let token = session::cookie_token(&headers).and_then(|t| OpaqueToken::parse(&t));
    let current_sid = token.as_ref().map(|t| session_id(&hash_secret(t.expose())));
    let asked_by_its_client = hint
        .as_ref()
        .and_then(|h| h.sid.as_deref())
        .is_some_and(|sid| Some(sid) == current_sid.as_deref());
    if token.is_some() && !asked_by_its_client {
        return Ok(to_confirmation(&state, req.ui_locales.as_deref()));
    }
    let mut res = match destination {
        Some(mut url) => {
            if let Some(s) = req.state.as_deref().filter(|s| s.len() <= 1024) {
                url.query_pairs_mut().append_pair("state", s);
            }
            found(url.as_str())
        }
        None => found(&format!("{}/signin", state.config.oauth_issuer)),
    };
    if let Some(token) = token {
        let grants = logout::session_grants(&state, &token).await?;
        logout::end_session(&state, &token, &grants).await?;
        let (name, value) = session::clear_cookie();
        res.headers_mut().append(name, value);
    }
    Ok(res.into_response())
}

/// `uri`, if it is one of the client's registered post-logout URIs.
async fn registered(
    state: &AppState,
    client_id: Option<&str>,
    uri: &str,
) -> Result<url::Url, Error> {
    let refuse = || {
        invalid(
            "post_logout_redirect_uri",
            "is not registered for the client",
        )
    };
    let Some(client_id) = client_id.filter(|c| c.len() <= 256) else {
        return Err(invalid(
            "post_logout_redirect_uri",
            "needs id_token_hint or client_id to name the client",
        ));
    };
    let client = state.store.get_oauth_client(client_id).await?;
    match client {
        Some(c) if c.post_logout_redirect_uris.iter().any(|u| u == uri) => {
            url::Url::parse(uri).map_err(|_| refuse())
        }
        _ => Err(refuse()),
    }
}

fn to_confirmation(state: &AppState, ui_locales: Option<&str>) -> Response {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if let Some(l) = ui_locales.filter(|l| l.len() <= 64) {
        query.append_pair("ui_locales", l);
    }
    let query = query.finish();
    let sep = if query.is_empty() { "" } else { "?" };
    found(&format!(
        "{}{CONFIRM_PATH}{sep}{query}",
        state.config.oauth_issuer
    ))
}

fn invalid(field: &'static str, message: &'static str) -> Error {
    Error::invalid(field, message)
}
