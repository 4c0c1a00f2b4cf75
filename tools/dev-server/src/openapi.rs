//! The OpenAPI 3.1 documents of the HTTP surfaces (`openapi/*.yaml`,
//! handwritten beside the code), served by the dev server only: the Lambda
//! binaries do not embed them.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

/// Each surface's name (its crate under `functions/`) and its document.
pub const DOCUMENTS: [(&str, &str); 6] = [
    ("accounts", include_str!("../../../openapi/accounts.yaml")),
    ("users", include_str!("../../../openapi/users.yaml")),
    ("oauth", include_str!("../../../openapi/oauth.yaml")),
    (
        "socialnetworks",
        include_str!("../../../openapi/socialnetworks.yaml"),
    ),
    ("sites", include_str!("../../../openapi/sites.yaml")),
    ("app", include_str!("../../../openapi/app.yaml")),
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

async fn document(Path(file): Path<String>) -> Response {
    let found = file
        .strip_suffix(".yaml")
        .and_then(|name| DOCUMENTS.iter().find(|(surface, _)| *surface == name));
    match found {
        Some((_, text)) => ([(header::CONTENT_TYPE, "application/yaml")], *text).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({ "error": "no such document" })),
        )
            .into_response(),
    }
}
