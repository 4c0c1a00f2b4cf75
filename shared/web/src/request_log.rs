use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use http::HeaderValue;
use std::time::Instant;
use tracing::Instrument;

/// The header that carries a request's id in and out.
pub const REQUEST_ID: &str = "x-request-id";

/// Runs the request inside a span named by its id (the caller's
/// `x-request-id` when it sends a sane one, else a fresh one, echoed back)
/// and its route *template* (`/api/v1/accounts/{token}`), never the
/// concrete path or query, which may carry secrets. Everything logged while
/// serving it (errors included) carries both; one line closes it.
pub async fn log_request(matched: Option<MatchedPath>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let route = matched
        .as_ref()
        .map_or("<no route>", |m| m.as_str())
        .to_owned();
    let request_id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| is_sane_id(v))
        .map_or_else(fresh_id, str::to_owned);
    let span = tracing::info_span!("request", %method, route, request_id);
    let started = Instant::now();
    let mut response = next.run(req).instrument(span.clone()).await;
    span.in_scope(|| {
        tracing::info!(
            status = response.status().as_u16(),
            ms = started.elapsed().as_millis() as u64,
            "request"
        )
    });
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// Ids from callers end up in logs: short, and nothing but `[A-Za-z0-9-_]`.
fn is_sane_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn fresh_id() -> String {
    format!("{:016x}", rand::random::<u64>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_ids_are_taken_from_callers() {
        assert!(is_sane_id("0f3c-AB_9"));
        assert!(!is_sane_id(""));
        assert!(!is_sane_id("a b"));
        assert!(!is_sane_id("x\ny"));
        assert!(!is_sane_id(&"a".repeat(65)));
        assert_eq!(fresh_id().len(), 16);
    }
}
