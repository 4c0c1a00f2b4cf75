//! Forgotten password: `GET/POST /reset-password` asks for the address and
//! sends a code (`identity::password_reset::send_code`: the same answer
//! whether or not an account owns it, under the address's own budget);
//! `POST /reset-password/new` takes the code and the new password
//! (`identity::password_reset::reset_password`: every session ends).

use super::{action, invalid_code};
use crate::context::Ctx;
use crate::form::Form;
use crate::render::{see_other, Page};
use axum::extract::State;
use axum::response::Response;
use domain::codes::LinkCode;
use domain::{Email, Error, Language, Password};
use identity::password_reset::{reset_password, send_code};
use identity::AppState;
use web::SignInAttempt;

fn request_page(lang: Language, email: Option<String>) -> Page {
    Page::new("reset_request.html")
        .var("action", action("/reset-password", lang))
        .var("email", email)
}

fn reset_page(lang: Language, code: Option<String>) -> Page {
    Page::new("reset.html")
        .var("action", action("/reset-password/new", lang))
        .var("code", code)
}

pub async fn show(ctx: Ctx) -> Response {
    let lang = ctx.lang(None);
    match ctx.query("code") {
        Some(code) => reset_page(lang, Some(code.to_owned())).render(&ctx, lang),
        None => request_page(lang, None).render(&ctx, lang),
    }
}

pub async fn send(State(state): State<AppState>, ctx: Ctx, form: Form) -> Response {
    let lang = ctx.lang(None);
    let refuse = |e: Error| {
        request_page(lang, form.text("email"))
            .with_error(lang, &e, &["email"])
            .render(&ctx, lang)
    };
    if let Err(e) = ctx.check_csrf(&form) {
        return refuse(e);
    }
    let email = match Email::parse(&form.text("email").unwrap_or_default()) {
        Ok(email) => email,
        Err(e) => return refuse(e.at("email").into()),
    };
    match send_code(&state, &email).await {
        Ok(()) => reset_page(lang, None).var("sent", true).render(&ctx, lang),
        Err(e) => refuse(e),
    }
}

fn parse(form: &Form) -> Result<(LinkCode, Password), Error> {
    let password = form.raw("password").unwrap_or_default();
    let password = Password::parse(password).map_err(|e| e.at("password"))?;
    let code = form
        .text("code")
        .and_then(|c| LinkCode::parse(&c))
        .ok_or_else(invalid_code)?;
    Ok((code, password))
}

pub async fn submit(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    ctx: Ctx,
    form: Form,
) -> Response {
    let lang = ctx.lang(None);
    let refuse = |e: Error| {
        reset_page(lang, form.text("code"))
            .with_error(lang, &e, &["code", "password"])
            .render(&ctx, lang)
    };
    if let Err(e) = ctx.check_csrf(&form) {
        return refuse(e);
    }
    let (code, password) = match parse(&form) {
        Ok(parsed) => parsed,
        Err(e) => return refuse(e),
    };
    match reset_password(&state, &attempt, &code, &password).await {
        Ok(()) => {
            let ui = crate::lang::code(lang);
            see_other(
                &format!("/signin?notice=password_reset&ui_locales={ui}"),
                Vec::new(),
            )
        }
        Err(e) if e.code == "invalid_code" => refuse(invalid_code()),
        Err(e) => refuse(e),
    }
}
