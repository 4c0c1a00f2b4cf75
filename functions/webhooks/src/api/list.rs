//! Lists page with the platform's sealed cursor (`table::Listing`):
//! `limit` (1–100, default 20) and `cursor` (the previous page's
//! `next_cursor`); a cursor of another list is a 400.

use super::{ApiError, Caller};
use crate::manage;
use crate::store::{deliveries, endpoints, DeliveryRecord, EndpointRecord, WebhooksStore};
use axum::extract::{Path, State};
use axum::Json;
use domain::Error;
use identity::AppState;
use serde::Deserialize;
use serde_json::{json, Value};
use table::{Listing, PageOut, Position};
use web::Input;

const DEFAULT_LIMIT: usize = 20;
const MAX_LIMIT: usize = 100;

#[derive(Deserialize)]
pub struct PageRequest {
    limit: Option<usize>,
    cursor: Option<String>,
}

impl PageRequest {
    fn parse(self, listing: &Listing) -> Result<(usize, Option<Position>), Error> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(Error::invalid(
                "limit",
                format!("must be an integer from 1 to {MAX_LIMIT}"),
            ));
        }
        let at =
            match self.cursor.filter(|c| !c.is_empty()) {
                Some(c) => Some(listing.open(&c).map_err(|_| {
                    Error::invalid("cursor", "is invalid or belongs to another list")
                })?),
                None => None,
            };
        Ok((limit, at))
    }
}

fn answer<T: serde::de::DeserializeOwned>(
    name: &str,
    listing: &Listing,
    page: PageOut,
    view: impl Fn(&T) -> Value,
) -> Result<Json<Value>, ApiError> {
    let rows = page
        .items
        .into_iter()
        .map(table::from_item::<T>)
        .collect::<Result<Vec<_>, _>>()?;
    let items: Vec<Value> = rows.iter().map(view).collect();
    let next = page.next.map(|at| listing.seal(&at));
    Ok(Json(json!({ name: items, "next_cursor": next })))
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Input(req, _): Input<PageRequest, ApiError>,
) -> Result<Json<Value>, ApiError> {
    let listing = endpoints::listing();
    let (limit, at) = req.parse(&listing)?;
    let store = WebhooksStore::new(&state.store);
    let (auth, page) = tokio::join!(
        caller.check(&state.store),
        store.endpoints_page(limit, at.as_ref())
    );
    auth?;
    answer::<EndpointRecord>("webhooks", &listing, page?, manage::endpoint_view)
}

/// An endpoint's deliveries, oldest first (404 for an unknown endpoint).
pub async fn deliveries(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Input(req, _): Input<PageRequest, ApiError>,
) -> Result<Json<Value>, ApiError> {
    let listing = deliveries::listing(&id);
    let (limit, at) = req.parse(&listing)?;
    let store = WebhooksStore::new(&state.store);
    let (auth, endpoint, page) = tokio::join!(
        caller.check(&state.store),
        manage::get(&state.store, &id),
        store.deliveries_page(&id, limit, at.as_ref())
    );
    auth?;
    endpoint?;
    answer::<DeliveryRecord>("deliveries", &listing, page?, manage::delivery_view)
}
