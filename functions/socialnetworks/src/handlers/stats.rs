use crate::access::Caller;
use crate::views::StatsView;
use crate::{lookup, ApiError};
use axum::extract::{Path, State};
use axum::Json;
use identity::AppState;
use serde_json::{json, Value};

/// Every statistic is a counter maintained by the link, unlink and
/// authorization transactions: one GetItem, nothing counted here.
pub async fn stats(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let network = lookup::network(&state, &caller, &id).await?;
    Ok(Json(json!({ "stats": StatsView::from(network) })))
}
