use crate::envelope::ok;
use crate::lookup::TargetParams;
use crate::views::BioView;
use crate::{session, ApiError};
use axum::extract::{Path, State};
use axum::Json;
use domain::Role;
use identity::AppState;
use web::Input;

pub async fn get_bio(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Input(params, _): Input<TargetParams, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let target = params.parse()?;
    let record = session::token(&state.store, &token).await?;
    let (holder, found) = tokio::join!(
        state.store.get_user(&record.user_id),
        target.find(&state.store)
    );
    let holder = session::check(holder, &record)?;
    session::require_role(&holder, &[Role::Moderator, Role::Student])?;
    let user = found?.ok_or_else(ApiError::not_found)?;
    Ok(ok(BioView::from(user)))
}
