//! The local platform: every function's routes on one port, the same
//! routers the Lambdas run, and the surfaces' OpenAPI documents.

pub mod docs;
pub mod openapi;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::{Json, Router};
use identity::AppState;

/// The union of every function's routes. Each function keeps its own
/// envelope for its routes; an unknown path gets a plain JSON 404. CORS
/// wraps it all, as `web::surface_app` wraps each function's.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(accounts::routes(state.clone()))
        .merge(oauth::routes(state.clone()))
        .merge(socialnetworks::routes(state.clone()))
        .merge(sites::routes(state.clone()))
        .merge(app::routes(state.clone()))
        .merge(users::routes(state.clone()))
        .merge(pages::routes(state.clone()))
        .merge(webhooks::routes(state.clone()))
        .merge(passkeys::routes(state.clone()))
        .merge(openapi::routes())
        .merge(docs::routes())
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                Json(serde_json::json!({ "error": "no such route" })),
            )
                .into_response()
        })
        .layer(axum::middleware::from_fn(web::cors))
}
