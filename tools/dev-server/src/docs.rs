//! What a developer opens in a browser on `make dev`: `GET /` (the index
//! of surfaces, their API references and the mailbox) and `/docs/<surface>`
//! (Swagger UI over the surface's served document, from the
//! `swagger-ui-dist` npm package `scripts/npm.sh docs` installs; no CDN).
//! "Authorize" runs the OAuth authorization code flow with PKCE against
//! this server, as the public client `docs` ([`ensure_client`]).

use crate::openapi::DOCUMENTS;
use axum::extract::Path;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::path::PathBuf;

/// The OAuth client id Swagger UI's "Authorize" uses.
pub const CLIENT_ID: &str = "docs";
/// Where Swagger UI's OAuth redirect page is served.
pub const REDIRECT_PATH: &str = "/docs/assets/oauth2-redirect.html";

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(index))
        .route("/docs", get(docs_index))
        .route("/docs/", get(docs_index))
        .route("/docs/{surface}", get(surface))
        .route("/docs/assets/{file}", get(asset))
}

/// The emulator's mailbox: every email sent, or `?to=ADDRESS`.
fn mailbox() -> Option<String> {
    std::env::var("AWS_ENDPOINT_URL")
        .ok()
        .map(|e| format!("{}/_emulator/ses/messages", e.trim_end_matches('/')))
}

fn base(headers: &HeaderMap) -> String {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| format!("http://{h}"))
        .unwrap_or_default()
}

/// `GET /`: JSON for programs, a page of links for browsers.
async fn index(headers: HeaderMap) -> Response {
    let base = base(&headers);
    let surfaces: Vec<_> = DOCUMENTS
        .iter()
        .map(|(surface, _)| {
            serde_json::json!({
                "surface": surface,
                "docs": format!("{base}/docs/{surface}"),
                "openapi": format!("{base}/openapi/{surface}.yaml"),
            })
        })
        .collect();
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if !wants_html {
        return Json(serde_json::json!({
            "surfaces": surfaces,
            "docs": format!("{base}/docs"),
            "mailbox": mailbox(),
        }))
        .into_response();
    }
    let rows: String = DOCUMENTS
        .iter()
        .map(|(s, _)| {
            format!(
                "<li><a href=\"/docs/{s}\">{s}</a> (<a href=\"/openapi/{s}.yaml\">OpenAPI</a>)</li>"
            )
        })
        .collect();
    let mail = mailbox()
        .map(|m| format!("<p>Mailbox (every email the platform sent): <a href=\"{m}\">{m}</a>, or <code>?to=ADDRESS</code>.</p>"))
        .unwrap_or_default();
    Html(format!(
        "<!doctype html><meta charset=utf-8><title>Identity platform (make dev)</title>\
         <h1>Identity platform on make dev</h1><p>API reference per surface:</p><ul>{rows}</ul>{mail}"
    ))
    .into_response()
}

async fn docs_index(headers: HeaderMap) -> Response {
    index(headers).await
}

/// Swagger UI over `/openapi/<surface>.yaml`.
async fn surface(Path(surface): Path<String>) -> Response {
    if !DOCUMENTS.iter().any(|(s, _)| *s == surface) {
        return (StatusCode::NOT_FOUND, "no such surface").into_response();
    }
    Html(format!(
        r##"<!doctype html><html><head><meta charset="utf-8"><title>{surface} API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head><body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>
const ui = SwaggerUIBundle({{ url: "/openapi/{surface}.yaml", dom_id: "#ui",
  oauth2RedirectUrl: location.origin + "{REDIRECT_PATH}", persistAuthorization: true }});
ui.initOAuth({{ clientId: "{CLIENT_ID}", usePkceWithAuthorizationCodeGrant: true }});
</script></body></html>"##
    ))
    .into_response()
}

/// Swagger UI's files, from `SWAGGER_UI_DIR` (make dev sets it).
async fn asset(Path(file): Path<String>) -> Response {
    let Some(dir) = std::env::var_os("SWAGGER_UI_DIR").map(PathBuf::from) else {
        return (
            StatusCode::NOT_FOUND,
            "SWAGGER_UI_DIR is not set: run make dev (it installs Swagger UI with scripts/npm.sh docs)",
        )
            .into_response();
    };
    let plain = !file.is_empty()
        && file
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        && !file.starts_with('.');
    let kind = match file.rsplit_once('.').map(|(_, ext)| ext) {
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("html") => "text/html; charset=utf-8",
        Some("png") => "image/png",
        Some("map") => "application/json",
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    match plain {
        true => match tokio::fs::read(dir.join(&file)).await {
            Ok(bytes) => ([(header::CONTENT_TYPE, kind)], bytes).into_response(),
            Err(_) => StatusCode::NOT_FOUND.into_response(),
        },
        false => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The public client Swagger UI signs in with, redirecting to this
/// server's port; made or brought up to date at start (idempotent).
pub async fn ensure_client(store: &table::Store, port: u16) -> Result<(), table::StoreError> {
    let client = table::OAuthClient {
        client_id: CLIENT_ID.to_owned(),
        name: "API reference (make dev)".to_owned(),
        client_type: table::ClientType::Public,
        secret_hash: None,
        redirect_uris: ["127.0.0.1", "localhost"]
            .map(|host| format!("http://{host}:{port}{REDIRECT_PATH}"))
            .to_vec(),
        scopes: domain::scopes::ALL.join(" "),
        created_at: domain::time::now_ms(),
        // The developer's own tool: no consent page in the way.
        first_party: true,
        post_logout_redirect_uris: Vec::new(),
        logo: None,
    };
    if !store.replace_oauth_client(&client).await? {
        store.put_oauth_client(&client).await?;
    }
    Ok(())
}
