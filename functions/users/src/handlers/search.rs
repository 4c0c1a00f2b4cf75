//! `POST /user/search` (`{query}`): case- and accent-insensitive prefix
//! search on username, first and last name (two or more words: the full
//! name), at most 20 results, the exact username first. Each result is
//! `{_id, approved, source}`: `source` is the user found, `_id` and
//! `approved` the caller's own follow entry for them (`null` / `false`
//! when the caller does not follow them).

use crate::envelope::ok;
use crate::store::{with_caller, SearchQuery, SocialStore};
use crate::views::{user_view_for, FollowRecordView};
use crate::ApiError;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use domain::scopes::PROFILE_SEARCH;
use identity::AppState;
use serde::Deserialize;
use serde_json::json;
use web::{required, Input};

#[derive(Deserialize)]
pub struct SearchRequest {
    query: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn search(
    State(state): State<AppState>,
    headers: HeaderMap,
    Input(req, _): Input<SearchRequest, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let query = SearchQuery::parse(&required(req.query, "query")?)?;
    let store = SocialStore::of(&state);
    let q = &query;
    let (me, candidates) = with_caller(&state, &headers, PROFILE_SEARCH, move |_| async move {
        store.search_candidates(q).await
    })
    .await?;
    let found = store.search_results(&me.id, &query, candidates).await?;
    let mut results = Vec::with_capacity(found.len());
    for f in found {
        let (id, approved) = match f.entry {
            Some(e) => (Some(e.id), e.approved),
            None => (None, false),
        };
        let view = user_view_for(&state, f.user, &me).await?;
        results.push(FollowRecordView::new(id, approved, view, true));
    }
    Ok(ok(json!({ "results": results })))
}
