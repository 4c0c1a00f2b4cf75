//! `GET/POST /verify-email`: the landing of the verification email (the
//! code in the form, prefilled from `?code=`), redeemed by
//! `identity::email_change::redeem` (a new account's address, or an
//! address change's). Codes are long and random; a wrong one is answered
//! as the APIs answer it.

use super::{action, invalid_code};
use crate::context::Ctx;
use crate::form::Form;
use crate::render::{see_other, Page};
use axum::extract::State;
use axum::response::Response;
use domain::codes::LinkCode;
use domain::{Error, Language};
use identity::AppState;
use web::SignInAttempt;

fn form_page(lang: Language, code: Option<&str>, sent: bool) -> Page {
    Page::new("verify.html")
        .var("action", action("/verify-email", lang))
        .var("code", code)
        .var("sent", sent)
}

pub async fn show(ctx: Ctx) -> Response {
    let lang = ctx.lang(None);
    form_page(lang, ctx.query("code"), ctx.query("sent").is_some()).render(&ctx, lang)
}

pub async fn submit(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    ctx: Ctx,
    form: Form,
) -> Response {
    let lang = ctx.lang(None);
    let code = form.text("code");
    let refuse = |e: Error| {
        form_page(lang, code.as_deref(), false)
            .with_error(lang, &e, &["code"])
            .render(&ctx, lang)
    };
    if let Err(e) = ctx.check_csrf(&form) {
        return refuse(e);
    }
    let Some(parsed) = code.as_deref().and_then(LinkCode::parse) else {
        return refuse(invalid_code());
    };
    match identity::email_change::redeem(&state, &attempt, &parsed).await {
        Ok(()) => {
            let ui = crate::lang::code(lang);
            see_other(
                &format!("/signin?notice=verified&ui_locales={ui}"),
                Vec::new(),
            )
        }
        Err(e) if e.code == "invalid_code" => refuse(invalid_code()),
        Err(e) => refuse(e),
    }
}
