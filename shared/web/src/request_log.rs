use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

/// One line per request with the route *template* (`/api/v1/accounts/{token}`),
/// never the concrete path or query, which may carry secrets.
pub async fn log_request(matched: Option<MatchedPath>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let route = matched
        .as_ref()
        .map_or("<no route>", |m| m.as_str())
        .to_owned();
    let started = Instant::now();
    let response = next.run(req).await;
    tracing::info!(
        %method,
        route,
        status = response.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}
