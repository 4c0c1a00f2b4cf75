use crate::envelope::ok;
use crate::views::AccountView;
use crate::{path_token, ApiError};
use axum::extract::{Path, State};
use axum::Json;
use identity::AppState;

pub async fn get_account(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let record = path_token::resolve(&state.store, &token).await?;
    let user = path_token::holder(&state.store, &record).await?;
    Ok(ok(AccountView::from(user)))
}
