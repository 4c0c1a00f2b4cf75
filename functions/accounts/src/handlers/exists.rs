use crate::envelope::ok;
use crate::lookup::TargetParams;
use crate::{path_token, ApiError};
use axum::extract::{Path, State};
use axum::Json;
use identity::AppState;
use web::Input;

pub async fn exists(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Input(params, _): Input<TargetParams, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let target = params.parse()?;
    let record = path_token::resolve(&state.store, &token).await?;
    let (holder, exists) = tokio::join!(
        state.store.get_user(&record.user_id),
        target.exists(&state.store)
    );
    path_token::check(holder, &record)?;
    Ok(ok(exists?))
}
