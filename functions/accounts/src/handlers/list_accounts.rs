use crate::envelope::ok;
use crate::views::ListedView;
use crate::{path_token, ApiError};
use axum::extract::{Path, State};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use domain::{Error, Role};
use identity::AppState;
use serde::Deserialize;
use web::Input;

/// The body stays the documented array; the cursor of the next page, when
/// there is one, travels in this header (docs/api/accounts.md).
pub const NEXT_CURSOR_HEADER: &str = "x-next-cursor";
const MAX_LIMIT: i32 = 100;

#[derive(Deserialize)]
pub struct ListParams {
    limit: Option<i32>,
    cursor: Option<String>,
}

pub async fn list_accounts(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Input(params, _): Input<ListParams, ApiError>,
) -> Result<Response, ApiError> {
    let limit = params.limit.unwrap_or(MAX_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(Error::invalid("limit", format!("must be between 1 and {MAX_LIMIT}")).into());
    }
    let record = path_token::resolve(&state.store, &token).await?;
    let (holder, page) = tokio::join!(
        state.store.get_user(&record.user_id),
        state.store.list_accounts(limit, params.cursor.as_deref())
    );
    let holder = path_token::check(holder, &record)?;
    path_token::require_role(&holder, &[Role::Moderator])?;
    let page = page??;
    let items: Vec<ListedView> = page.items.into_iter().map(ListedView::from).collect();
    let mut response = ok(items).into_response();
    if let Some(next) = page.next.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().insert(NEXT_CURSOR_HEADER, next);
    }
    Ok(response)
}
