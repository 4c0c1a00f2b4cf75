//! Signed webhooks (docs/webhooks.md). Operators register endpoints (the
//! `/api/webhooks` API with `X-API-Key`, or `platform webhook`); the
//! table's stream becomes events (`events`), each delivered to every
//! enabled endpoint subscribed to it, signed per Standard Webhooks
//! (`signing`), retried on the standard schedule by a sweep of due
//! deliveries, failed ones reported to a dead-letter queue and replayable.

mod api;
pub mod events;
#[cfg(feature = "local")]
pub mod local;
pub mod manage;
pub mod send;
pub mod settings;
pub mod signing;
pub mod store;
pub mod worker;

pub use api::{ApiError, WebhooksEnvelope};

use axum::Router;
use http::Method;
use identity::AppState;
use web::RouteTable;

/// Every route of the API function; template.yaml must declare exactly these.
pub fn route_table() -> RouteTable<AppState> {
    use api::*;
    RouteTable::new()
        .add(Method::GET, "/api/webhooks", list::list)
        .add(Method::POST, "/api/webhooks", create::create)
        .add(Method::GET, "/api/webhooks/{id}", endpoint::get)
        .add(Method::PATCH, "/api/webhooks/{id}", endpoint::update)
        .add(Method::DELETE, "/api/webhooks/{id}", endpoint::delete)
        .add(Method::POST, "/api/webhooks/{id}/rotate", create::rotate)
        .add(
            Method::GET,
            "/api/webhooks/{id}/deliveries",
            list::deliveries,
        )
        .add(
            Method::POST,
            "/api/webhooks/deliveries/{delivery_id}/replay",
            endpoint::replay,
        )
}

/// The routes (each request logged), for merging into the dev server.
pub fn routes(state: AppState) -> Router {
    route_table()
        .into_router::<WebhooksEnvelope>()
        .with_state(state)
}

/// The API function's whole app.
pub fn app(state: AppState) -> Router {
    web::surface_app::<WebhooksEnvelope>(routes(state))
}

pub(crate) fn iso_now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(crate) fn iso_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
