//! The OpenAPI 3.1 documents of the HTTP surfaces (`openapi/*.yaml`,
//! handwritten beside the code), served by the dev server only: the Lambda
//! binaries do not embed them. As served, a document names this server
//! (`servers` follows the port the request came to) and offers the
//! `oauth2` scheme (this server's authorization code flow) beside every
//! bearer requirement, so a reference's "Authorize" works against it.

use axum::extract::Path;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

/// Each surface's name (its crate under `functions/`) and its document.
pub const DOCUMENTS: [(&str, &str); 8] = [
    ("accounts", include_str!("../../../openapi/accounts.yaml")),
    ("users", include_str!("../../../openapi/users.yaml")),
    ("oauth", include_str!("../../../openapi/oauth.yaml")),
    (
        "socialnetworks",
        include_str!("../../../openapi/socialnetworks.yaml"),
    ),
    ("sites", include_str!("../../../openapi/sites.yaml")),
    ("app", include_str!("../../../openapi/app.yaml")),
    ("webhooks", include_str!("../../../openapi/webhooks.yaml")),
    ("passkeys", include_str!("../../../openapi/passkeys.yaml")),
];

/// `GET /openapi/` (the list) and `GET /openapi/<surface>.yaml`.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/openapi", get(index))
        .route("/openapi/", get(index))
        .route("/openapi/{file}", get(document))
}

async fn index() -> Json<serde_json::Value> {
    let documents: Vec<_> = DOCUMENTS
        .iter()
        .map(|(surface, _)| {
            serde_json::json!({ "surface": surface, "url": format!("/openapi/{surface}.yaml") })
        })
        .collect();
    Json(serde_json::json!({ "documents": documents }))
}

async fn document(Path(file): Path<String>, headers: HeaderMap) -> Response {
    let found = file
        .strip_suffix(".yaml")
        .and_then(|name| DOCUMENTS.iter().find(|(surface, _)| *surface == name));
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    match found {
        Some((_, text)) => (
            [(header::CONTENT_TYPE, "application/yaml")],
            served(text, host),
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({ "error": "no such document" })),
        )
            .into_response(),
    }
}

/// The document as this server serves it: `servers` is the server the
/// request reached, and wherever an operation takes a bearer token it
/// also takes `oauth2` with the same scopes.
pub fn served(text: &str, host: Option<&str>) -> String {
    let Ok(mut doc) = serde_yaml::from_str::<serde_yaml::Value>(text) else {
        return text.to_owned();
    };
    if let Some(host) = host {
        doc["servers"] =
            serde_yaml::to_value([serde_json::json!({ "url": format!("http://{host}") })])
                .unwrap_or_default();
    }
    let scopes: serde_json::Map<String, serde_json::Value> = domain::scopes::ALL
        .iter()
        .map(|s| (s.to_string(), serde_json::Value::String(String::new())))
        .collect();
    let scheme = serde_json::json!({
        "type": "oauth2",
        "description": "this server's authorization code flow with PKCE (sign in first: POST /user/login)",
        "flows": { "authorizationCode": {
            "authorizationUrl": "/oauth/authorize", "tokenUrl": "/oauth/token",
            "refreshUrl": "/oauth/token", "scopes": scopes,
        }},
    });
    if let Some(schemes) = doc
        .get_mut("components")
        .and_then(|c| c.get_mut("securitySchemes"))
        .and_then(|s| s.as_mapping_mut())
        .filter(|s| s.contains_key("bearer"))
    {
        schemes.insert(
            "oauth2".into(),
            serde_yaml::to_value(scheme).unwrap_or_default(),
        );
    }
    if let Some(security) = doc.get_mut("security") {
        with_oauth2(security);
    }
    if let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_mapping_mut()) {
        for item in paths.values_mut().filter_map(|i| i.as_mapping_mut()) {
            for op in item.values_mut() {
                if let Some(security) = op.get_mut("security") {
                    with_oauth2(security);
                }
            }
        }
    }
    serde_yaml::to_string(&doc).unwrap_or_else(|_| text.to_owned())
}

/// Adds `{oauth2: scopes}` after each `{bearer: scopes}` alternative.
fn with_oauth2(security: &mut serde_yaml::Value) {
    let Some(list) = security.as_sequence_mut() else {
        return;
    };
    let extra: Vec<serde_yaml::Value> = list
        .iter()
        .filter_map(|req| req.get("bearer"))
        .map(|scopes| {
            let mut req = serde_yaml::Mapping::new();
            req.insert("oauth2".into(), scopes.clone());
            serde_yaml::Value::Mapping(req)
        })
        .collect();
    list.extend(extra);
}
