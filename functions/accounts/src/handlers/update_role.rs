use crate::envelope::done;
use crate::{path_token, ApiError};
use axum::extract::{Path, State};
use axum::Json;
use domain::{Error, Role, UserId};
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
        _ => return Err(Error::invalid("newRole", "must be ghost or student").into()),
    };
    let record = path_token::resolve(&state.store, &token).await?;
    if target == record.user_id {
        // The holder's own account: the transaction below cannot check and
        // update one item, and only a moderator gets this far, whose role
        // is left to operators.
        let holder = path_token::holder(&state.store, &record).await?;
        path_token::require_role(&holder, &[Role::Moderator])?;
        return Err(Error::forbidden("a moderator's role is managed by operators").into());
    }
    // One conditional transaction checks the moderator and writes the role;
    // only a refusal costs a further read to say why.
    let guard = ModeratorGuard {
        actor: &record.user_id,
        token_issued_at: record.issued_at,
    };
    match state.store.set_role(&target, role, Some(guard)).await {
        Ok(()) => Ok(done()),
        Err(GuardedWriteError::Actor) => {
            let holder = path_token::holder(&state.store, &record).await?;
            path_token::require_role(&holder, &[Role::Moderator])?;
            Err(Error::forbidden("the request was refused").into())
        }
        Err(GuardedWriteError::Target) => match state.store.get_user(&target).await? {
            None => Err(Error::not_found("no such account").into()),
            Some(_) => Err(Error::forbidden("a moderator's role is managed by operators").into()),
        },
        Err(GuardedWriteError::Store(e)) => Err(e.into()),
    }
}
