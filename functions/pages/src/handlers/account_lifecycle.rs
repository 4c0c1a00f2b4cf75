//! `POST /account/export` (an archive of the account's data, its link by
//! email) and `POST /account/delete` (with the current password): the same
//! jobs as the Users API's `POST /user/me/export` and `DELETE /user/me`
//! (docs/lifecycle.md), each with the CSRF token.

use crate::context::Ctx;
use crate::error;
use crate::form::Form;
use crate::render::see_other;
use axum::extract::State;
use axum::response::Response;
use domain::audit::{Event, Kind};
use domain::{Error, ErrorKind};
use identity::{session, AppState};
use table::lifecycle::{RequestTag, Requester};
use table::TxError;
use web::SignInAttempt;

pub async fn export(State(state): State<AppState>, ctx: Ctx, form: Form) -> Response {
    if let Err(e) = ctx.check_csrf(&form) {
        return error::page(&ctx, &e);
    }
    let Some((_, user)) = super::signed_in(&state, &ctx).await else {
        return super::to_signin(&ctx, "/account");
    };
    let lang = crate::lang::code(ctx.lang(Some(&user)));
    let notice = match state.store.request_export(&user.id).await {
        Ok(_) => "export_requested",
        Err(TxError::Failed(tags)) if tags.contains(&RequestTag::Pending) => "export_pending",
        Err(TxError::Failed(_)) => return super::to_signin(&ctx, "/account"),
        Err(TxError::Store(e)) => return error::page(&ctx, &e.into()),
    };
    see_other(
        &format!("/account?notice={notice}&ui_locales={lang}"),
        vec![],
    )
}

pub async fn delete(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    ctx: Ctx,
    form: Form,
) -> Response {
    let Some((_, user)) = super::signed_in(&state, &ctx).await else {
        return super::to_signin(&ctx, "/account");
    };
    let lang = ctx.lang(Some(&user));
    let proven = match ctx.check_csrf(&form) {
        Ok(()) => {
            let password = form.raw("deletePassword").unwrap_or_default();
            identity::gate::reauthenticate(&state, &attempt, user.clone(), password)
                .await
                .map_err(|e| e.on("deletePassword"))
        }
        Err(e) => Err(e),
    };
    let requested = match proven {
        Ok(user) => match state
            .store
            .request_deletion(&user, Requester::Owner, &deleted_by_owner(&attempt))
            .await
        {
            Ok(_) => Ok(()),
            Err(TxError::Failed(_)) => Err(Error::new(
                ErrorKind::Unauthenticated,
                "invalid_token",
                "the account is already being deleted",
            )),
            Err(TxError::Store(e)) => Err(e.into()),
        },
        Err(e) => Err(e),
    };
    match requested {
        Ok(()) => see_other(
            &format!(
                "/signin?notice=account_deleted&ui_locales={}",
                crate::lang::code(lang)
            ),
            vec![session::clear_cookie()],
        ),
        Err(e) => super::account::refuse(&state, &ctx, lang, &user, &e, &["deletePassword"]).await,
    }
}

/// The audit log's record of the owner's request, from where it came.
fn deleted_by_owner(attempt: &identity::gate::Attempt) -> Event {
    Event::by_user(Kind::AccountDeleted).from(attempt.source, attempt.user_agent.as_deref())
}
