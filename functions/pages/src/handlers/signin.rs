//! `GET/POST /signin`: username or email and password, through the
//! gatekeeper (`identity::gate::sign_in`), which decides lockout, ban,
//! verification and the second factor. A completed sign-in sets the cookie
//! session (`sid`, as `/user/login` does) and goes to `return_to` (303),
//! a same-origin path only.

use super::{action, second_factor};
use crate::context::Ctx;
use crate::form::Form;
use crate::render::{see_other, Page};
use crate::return_to;
use axum::extract::State;
use axum::response::Response;
use domain::{Error, Language};
use identity::gate::{sign_in, Issue, LoginName, SignedIn};
use identity::AppState;
use web::SignInAttempt;

/// Longest password a sign-in hashes; anything longer cannot be right.
const MAX_PASSWORD_CHARS: usize = 1024;
const FIELDS: &[&str] = &["login", "password"];

fn form_page(lang: Language, login: &str, return_to: &str) -> Page {
    Page::new("signin.html")
        .var("action", action("/signin", lang))
        .var("login", login)
        .var("return_to", return_to)
        .var("passkeys", true)
        .var("passkey_action", action("/signin/passkey", lang))
}

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Response {
    let lang = ctx.lang(None);
    let return_to = return_to::safe(ctx.query("return_to"));
    let hint = ctx.query("login_hint").unwrap_or_default();
    let notice = ctx
        .query("notice")
        .and_then(|n| crate::render::strings(lang)["notices"][n].as_str());
    form_page(lang, hint, &return_to)
        .var(
            "networks",
            super::networks::offered(&state, &return_to).await,
        )
        .var("notice", notice)
        .render(&ctx, lang)
}

fn parse(form: &Form) -> Result<(LoginName, String), Error> {
    let login = form
        .text("login")
        .ok_or_else(|| Error::invalid("login", "enter your username or email"))?;
    let password = form
        .raw("password")
        .filter(|p| !p.is_empty())
        .ok_or_else(|| Error::invalid("password", "enter your password"))?;
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(Error::invalid("password", "is too long"));
    }
    let name = if login.contains('@') {
        LoginName::Email(login)
    } else {
        LoginName::Username(login)
    };
    Ok((name, password.to_owned()))
}

pub async fn submit(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    ctx: Ctx,
    form: Form,
) -> Response {
    let lang = ctx.lang(None);
    let return_to = return_to::safe(form.raw("return_to"));
    let login = form.text("login").unwrap_or_default();
    let refuse = |e: Error| {
        form_page(lang, &login, &return_to)
            .with_error(lang, &e, FIELDS)
            .render(&ctx, lang)
    };
    if let Err(e) = ctx.check_csrf(&form) {
        return refuse(e);
    }
    let (name, password) = match parse(&form) {
        Ok(parsed) => parsed,
        Err(e) => return refuse(e),
    };
    match sign_in(&state, &attempt, &name, &password, None, Issue::Session).await {
        Ok(SignedIn::Completed(done)) => see_other(&return_to, done.cookies()),
        Ok(SignedIn::Challenge { user, challenge }) => {
            second_factor::challenge_page(lang, &user, challenge.expose(), &return_to)
                .render(&ctx, lang)
        }
        Err(e) => refuse(e),
    }
}
