//! `POST /signin/second-factor`: the second step of a sign-in whose account
//! has 2FA on: the emailed code, the authenticator's code or a recovery
//! code, answered through `identity::gate::answer_challenge_remembering`
//! under the same rules as the APIs' (five wrong codes end the challenge),
//! with "remember this device" as `/user/do-2fa`'s `remember`. A passkey
//! answers the same challenge from the page's script, through the
//! passkeys API (`/user/passkeys/second-factor/*`).

use super::action;
use crate::context::Ctx;
use crate::form::Form;
use crate::render::{see_other, Page};
use crate::return_to;
use axum::extract::State;
use axum::response::Response;
use domain::codes::Challenge;
use domain::{Error, Language, User, UserId};
use identity::gate::{answer_challenge_remembering, Answer, Answered, Issue};
use identity::AppState;
use web::SignInAttempt;

/// The code form of a challenge. The challenge and its user travel in
/// hidden fields (the APIs hand the same `sessionHash` to their clients).
pub fn challenge_page(lang: Language, user: &User, challenge: &str, return_to: &str) -> Page {
    code_page(lang, user.id.as_str(), challenge, return_to).var("totp", user.totp_secret.is_some())
}

/// The code form for the challenge `challenge` of user `target`.
pub fn code_page(lang: Language, target: &str, challenge: &str, return_to: &str) -> Page {
    Page::new("second_factor.html")
        .var("passkeys", true)
        .var("action", action("/signin/second-factor", lang))
        .var("target", target)
        .var("challenge", challenge)
        .var("return_to", return_to)
}

/// The challenge and its user from the form's hidden fields.
pub fn parse_challenge(form: &Form) -> Result<(UserId, Challenge), Error> {
    let lost = || Error::invalid("challenge", "sign in again");
    let target = form
        .text("target")
        .and_then(|t| UserId::parse(&t).ok())
        .ok_or_else(lost)?;
    let challenge = form
        .text("challenge")
        .and_then(|c| Challenge::parse(&c))
        .ok_or_else(lost)?;
    Ok((target, challenge))
}

fn parse(form: &Form) -> Result<(UserId, Challenge, Answer), Error> {
    let (target, challenge) = parse_challenge(form)?;
    let answer = form
        .text("code")
        .and_then(|c| Answer::parse(&c))
        .ok_or_else(|| Error::invalid("code", "must be 6 digits or a recovery code"))?;
    Ok((target, challenge, answer))
}

pub async fn submit(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    ctx: Ctx,
    form: Form,
) -> Response {
    let lang = ctx.lang(None);
    let return_to = return_to::safe(form.raw("return_to"));
    let again = |e: &Error| {
        let field = |name: &str| form.text(name).unwrap_or_default();
        code_page(lang, &field("target"), &field("challenge"), &return_to)
            .var("totp", form.raw("totp") == Some("1"))
            .var("either", form.raw("either") == Some("1"))
            .with_error(lang, e, &["code"])
            .render(&ctx, lang)
    };
    if let Err(e) = ctx.check_csrf(&form) {
        return again(&e);
    }
    let (target, challenge, answer) = match parse(&form) {
        Ok(parsed) => parsed,
        Err(e) => return again(&e),
    };
    let answered = Answered {
        answer: &answer,
        issue: Issue::Session,
        remember: form.raw("remember") == Some("1"),
    };
    match answer_challenge_remembering(&state, &attempt, &target, &challenge, answered).await {
        Ok(done) => see_other(&return_to, done.cookies()),
        Err(e) => again(&e),
    }
}
