use crate::store::AppStore;
use crate::{caller, stats, ApiError};
use axum::extract::State;
use axum::Json;
use chrono::Datelike;
use http::HeaderMap;
use identity::api_key::Permission;
use identity::AppState;
use serde_json::Value;

/// The key check beside the counters' BatchGetItem: one round.
async fn totals(state: &AppState, headers: &HeaderMap) -> Result<stats::Totals, ApiError> {
    let store = AppStore::of(state);
    let (auth, totals) = tokio::join!(
        caller::backend(state, headers, Permission::Read),
        store.stats_totals()
    );
    auth?;
    Ok(totals?)
}

/// `POST /api/users/stats/sex/` (backend, read).
pub async fn sex(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(stats::by_sex(&totals(&state, &headers).await?)))
}

/// `POST /api/users/stats/age/` (backend, read).
pub async fn age(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let year = domain::time::now().year();
    Ok(Json(stats::by_age(&totals(&state, &headers).await?, year)))
}

/// `POST /api/users/stats/preferences/` (backend, read).
pub async fn preferences(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(stats::by_preferences(
        &totals(&state, &headers).await?,
    )))
}
