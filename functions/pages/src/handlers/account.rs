//! `GET /account`: the signed-in user's profile, password change (with the
//! current password, `identity::profile_update`: every session ends and the
//! owner is told), two-factor enrolment and signing out everywhere.
//! Without a live session: to the sign-in page, coming back here.

use super::{action, signed_in, to_signin};
use crate::context::Ctx;
use crate::form::Form;
use crate::render::{see_other, Page};
use axum::extract::State;
use axum::response::Response;
use domain::{Error, Language, Password, User};
use identity::profile_update::{current_password_required, update_profile, ProfileEdit};
use identity::session;
use identity::AppState;
use serde_json::json;
use web::SignInAttempt;

const PASSWORD_FIELDS: &[&str] = &["currentPassword", "password"];

/// The account page of `user`.
pub fn account_page(lang: Language, user: &User) -> Page {
    let name = [user.first_name.as_deref(), user.last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    Page::new("account.html")
        .var(
            "user",
            json!({
                "username": user.username,
                "name": name,
                "email": user.email,
                "email_verified": user.email_verified,
                "two_factor": user.two_factor_enabled,
                "totp": user.totp_secret.is_some(),
            }),
        )
        .var("password_action", action("/account/password", lang))
        .var("totp_action", action("/account/totp", lang))
        .var("signout_all_action", action("/account/signout-all", lang))
        .var("signout_action", action("/signout", lang))
}

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Response {
    let Some((_, user)) = signed_in(&state, &ctx).await else {
        return to_signin(&ctx, "/account");
    };
    let lang = ctx.lang(Some(&user));
    account_page(lang, &user).render(&ctx, lang)
}

fn parse(form: &Form) -> Result<ProfileEdit, Error> {
    let current = form
        .raw("currentPassword")
        .filter(|p| !p.is_empty())
        .ok_or_else(current_password_required)?;
    let new =
        Password::parse(form.raw("password").unwrap_or_default()).map_err(|e| e.at("password"))?;
    Ok(ProfileEdit {
        password: Some(new),
        current_password: Some(current.to_owned()),
        ..ProfileEdit::default()
    })
}

/// A new password: every session (this one too) ends; sign in again.
pub async fn password(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    ctx: Ctx,
    form: Form,
) -> Response {
    let Some((_, user)) = signed_in(&state, &ctx).await else {
        return to_signin(&ctx, "/account");
    };
    let lang = ctx.lang(Some(&user));
    let refuse = |e: Error, user: &User| {
        account_page(lang, user)
            .with_error(lang, &e, PASSWORD_FIELDS)
            .render(&ctx, lang)
    };
    if let Err(e) = ctx.check_csrf(&form) {
        return refuse(e, &user);
    }
    let edit = match parse(&form) {
        Ok(edit) => edit,
        Err(e) => return refuse(e, &user),
    };
    match update_profile(&state, &attempt, user.clone(), edit).await {
        Ok(_) => {
            let ui = crate::lang::code(lang);
            see_other(
                &format!("/signin?notice=password_changed&ui_locales={ui}"),
                vec![session::clear_cookie()],
            )
        }
        Err(e) if e.code == "invalid_credentials" => refuse(e.on("currentPassword"), &user),
        Err(e) => refuse(e, &user),
    }
}
