use crate::envelope::done;
use crate::{session, ApiError};
use axum::extract::{Path, State};
use axum::Json;
use domain::{Role, UserId};
use identity::AppState;
use serde::Deserialize;
use table::{GuardedWriteError, ModeratorGuard};
use web::{required, Input};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateRoleRequest {
    account_id: Option<String>,
    new_role: Option<String>,
}

pub async fn update_role(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Input(req, _): Input<UpdateRoleRequest, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let target =
        UserId::parse(&required(req.account_id, "accountId")?).map_err(|e| e.at("accountId"))?;
    let role = match Role::parse(&required(req.new_role, "newRole")?) {
        Ok(role) if role.is_listed() => role,
        _ => return Err(ApiError::invalid("newRole", "must be ghost or student")),
    };
    let record = session::token(&state.store, &token).await?;
    // One conditional transaction checks the moderator and writes the role;
    // only a refusal costs a further read to say why.
    let guard = ModeratorGuard {
        actor: &record.user_id,
        token_issued_at: record.issued_at,
    };
    match state.store.set_role(&target, role, Some(guard)).await {
        Ok(()) => Ok(done()),
        Err(GuardedWriteError::Actor) => {
            let holder = session::holder(&state.store, &record).await?;
            session::require_role(&holder, &[Role::Moderator])?;
            Err(ApiError::forbidden("the request was refused"))
        }
        Err(GuardedWriteError::Target) => match state.store.get_user(&target).await? {
            None => Err(ApiError::not_found()),
            Some(_) => Err(ApiError::forbidden(
                "a moderator's role is managed by operators",
            )),
        },
        Err(GuardedWriteError::Store(e)) => Err(e.into()),
    }
}
