use crate::envelope::ok;
use crate::views::AccountView;
use crate::{session, ApiError};
use axum::extract::{Path, State};
use axum::Json;
use identity::AppState;

pub async fn get_account(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let record = session::token(&state.store, &token).await?;
    let user = session::holder(&state.store, &record).await?;
    Ok(ok(AccountView::from(user)))
}
