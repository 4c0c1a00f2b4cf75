use crate::envelope::ok;
use crate::lookup::TargetParams;
use crate::views::BioView;
use crate::{path_token, ApiError};
use axum::extract::{Path, State};
use axum::Json;
use domain::{Error, Role};
use identity::AppState;
use web::Input;

pub async fn get_bio(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Input(params, _): Input<TargetParams, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let target = params.parse()?;
    let record = path_token::resolve(&state.store, &token).await?;
    let (holder, found) = tokio::join!(
        state.store.get_user(&record.user_id),
        target.find(&state.store)
    );
    let holder = path_token::check(holder, &record)?;
    path_token::require_role(&holder, &[Role::Moderator, Role::Student])?;
    let user = found?.ok_or_else(|| Error::not_found("no such account"))?;
    Ok(ok(BioView::from(user)))
}
