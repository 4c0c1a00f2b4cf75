//! `GET/POST /signup`: a new account through `identity::sign_up`, its
//! address verified by the emailed code (`/verify-email`). An address a
//! verified account owns answers exactly like a new one (its owner is told
//! by email), so the page never reveals who is registered; a taken
//! username cannot be hidden and is said on its field.

use super::action;
use crate::context::Ctx;
use crate::form::Form;
use crate::render::{see_other, Page};
use axum::extract::State;
use axum::response::Response;
use domain::{Email, Error, ErrorKind, Language, Password, PersonName, Username, UsernameRule};
use identity::sign_up::{sign_up, FirstStep, NewUser, SignedUp};
use identity::AppState;

const FIELDS: &[&str] = &["username", "firstName", "lastName", "email", "password"];

fn form_page(lang: Language, form: &Form) -> Page {
    let mut page = Page::new("signup.html").var("action", action("/signup", lang));
    for field in FIELDS.iter().filter(|f| **f != "password") {
        page = page.var(field, form.text(field));
    }
    page
}

pub async fn show(ctx: Ctx) -> Response {
    let lang = ctx.lang(None);
    form_page(lang, &Form::default()).render(&ctx, lang)
}

fn field(form: &Form, name: &'static str) -> Result<String, Error> {
    form.text(name)
        .ok_or_else(|| Error::invalid(name, "is required"))
}

fn parse(form: &Form) -> Result<NewUser, Error> {
    let password = form
        .raw("password")
        .filter(|p| !p.is_empty())
        .ok_or_else(|| Error::invalid("password", "is required"))?;
    Ok(NewUser {
        username: Username::parse(&field(form, "username")?, UsernameRule::USERS)
            .map_err(|e| e.at("username"))?,
        first_name: PersonName::parse(&field(form, "firstName")?).map_err(|e| e.at("firstName"))?,
        last_name: PersonName::parse(&field(form, "lastName")?).map_err(|e| e.at("lastName"))?,
        email: Email::parse(&field(form, "email")?).map_err(|e| e.at("email"))?,
        password: Password::parse(password).map_err(|e| e.at("password"))?,
        phone: None,
        study_group: None,
    })
}

fn invite_only() -> Error {
    Error::new(
        ErrorKind::Forbidden,
        "invite_only",
        "sign-up needs an invitation",
    )
}

pub async fn submit(State(state): State<AppState>, ctx: Ctx, form: Form) -> Response {
    let lang = ctx.lang(None);
    let refuse = |e: Error| {
        form_page(lang, &form)
            .with_error(lang, &e, FIELDS)
            .render(&ctx, lang)
    };
    if let Err(e) = ctx.check_csrf(&form) {
        return refuse(e);
    }
    if state.config.invite_only {
        return refuse(invite_only());
    }
    let new = match parse(&form) {
        Ok(new) => new,
        Err(e) => return refuse(e),
    };
    let first = FirstStep::Verification {
        required: state.config.require_email_verification,
    };
    let ui = crate::lang::code(lang);
    match sign_up(&state, new, first).await {
        Ok(SignedUp::Verified { .. }) => see_other(
            &format!("/signin?notice=signed_up&ui_locales={ui}"),
            Vec::new(),
        ),
        Ok(_) => see_other(&format!("/verify-email?sent=1&ui_locales={ui}"), Vec::new()),
        Err(e) => refuse(e),
    }
}
