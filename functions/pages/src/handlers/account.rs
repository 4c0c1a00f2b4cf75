//! `GET /account`: the signed-in user's profile, password change (with the
//! current password, `identity::profile_update`: every session ends and the
//! owner is told), two-factor enrolment, sessions, connected apps and
//! signing out everywhere.
//! Without a live session: to the sign-in page, coming back here.

use super::{action, signed_in, to_signin};
use crate::context::Ctx;
use crate::form::Form;
use crate::render::{see_other, Page};
use axum::extract::State;
use axum::response::Response;
use domain::{Error, Language, Password, User};
use identity::profile_update::{current_password_required, update_profile, ProfileEdit};
use identity::AppState;
use identity::{session, sessions};
use serde_json::json;
use web::SignInAttempt;

const PASSWORD_FIELDS: &[&str] = &["currentPassword", "password"];

/// The account page of `user`, with their sessions (read here: a failed
/// read shows none rather than no page).
pub async fn account_page(state: &AppState, ctx: &Ctx, lang: Language, user: &User) -> Page {
    let own = super::signout::cookie_session(ctx);
    let cursor = ctx.query("events");
    let (listed, apps, networks, (events, older)) = tokio::join!(
        sessions::list(state, user, own.as_ref(), None),
        identity::consent::connected_apps(state, &user.id),
        super::account_networks::views(state, user),
        super::account_events::section(state, lang, user, cursor)
    );
    let sessions: Vec<_> = listed
        .map(|page| page.items.iter().map(session_view).collect())
        .unwrap_or_default();
    let apps = apps
        .map(|a| super::apps::views(lang, &a))
        .unwrap_or_default();
    profile_page(lang, user)
        .var("sessions", sessions)
        .var("apps", apps)
        .var("revoke_app_action", action("/account/apps/revoke", lang))
        .var("networks", networks)
        .var(
            "link_network_action",
            action("/account/networks/link", lang),
        )
        .var(
            "unlink_network_action",
            action("/account/networks/unlink", lang),
        )
        .var("events", events)
        .var("events_older", older)
}

fn session_view(s: &sessions::Session) -> serde_json::Value {
    let when = chrono::DateTime::from_timestamp_millis(s.issued_at)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string());
    json!({ "id": s.id, "kind": s.kind, "since": when, "current": s.current })
}

fn profile_page(lang: Language, user: &User) -> Page {
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
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "email_verified": user.email_verified,
                "two_factor": user.two_factor_enabled,
                "totp": user.totp_secret.is_some(),
            }),
        )
        .var("profile_action", action("/account/profile", lang))
        .var("password_action", action("/account/password", lang))
        .var("totp_action", action("/account/totp", lang))
        .var("signout_all_action", action("/account/signout-all", lang))
        .var("signout_action", action("/signout", lang))
        .var("end_session_action", action("/account/sessions/end", lang))
        .var("export_action", action("/account/export", lang))
        .var("delete_action", action("/account/delete", lang))
        .var("passkeys", true)
}

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Response {
    let Some((_, user)) = signed_in(&state, &ctx).await else {
        return to_signin(&ctx, "/account");
    };
    let lang = ctx.lang(Some(&user));
    let notice = ctx
        .query("notice")
        .and_then(|n| crate::render::strings(lang)["notices"][n].as_str());
    account_page(&state, &ctx, lang, &user)
        .await
        .var("notice", notice)
        .render(&ctx, lang)
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

/// What became of a form that edits the signed-in user's own profile.
pub enum Edit {
    Done(Language),
    /// No live session: to the sign-in page.
    SignIn(Response),
    Refused(Box<User>, Language, Error),
}

/// Applies the edit `parse` reads from `form` to the signed-in user
/// (`identity::profile_update`, the rules of `PUT /user/me`).
pub async fn edit_own(
    state: &AppState,
    attempt: &identity::gate::Attempt,
    ctx: &Ctx,
    form: &Form,
    parse: fn(&Form) -> Result<ProfileEdit, Error>,
) -> Edit {
    let Some((_, user)) = signed_in(state, ctx).await else {
        return Edit::SignIn(to_signin(ctx, "/account"));
    };
    let lang = ctx.lang(Some(&user));
    let result = match ctx.check_csrf(form).and_then(|()| parse(form)) {
        Ok(edit) => update_profile(state, attempt, user.clone(), edit).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Edit::Done(lang),
        Err(e) => Edit::Refused(Box::new(user), lang, e),
    }
}

/// A new password: every session (this one too) ends; sign in again.
pub async fn password(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    ctx: Ctx,
    form: Form,
) -> Response {
    match edit_own(&state, &attempt, &ctx, &form, parse).await {
        Edit::Done(lang) => {
            let ui = crate::lang::code(lang);
            see_other(
                &format!("/signin?notice=password_changed&ui_locales={ui}"),
                vec![session::clear_cookie()],
            )
        }
        Edit::SignIn(to) => to,
        Edit::Refused(user, lang, e) => {
            let e = if e.code == "invalid_credentials" {
                e.on("currentPassword")
            } else {
                e
            };
            refuse(&state, &ctx, lang, &user, &e, PASSWORD_FIELDS).await
        }
    }
}

/// The account page again, with `error` on one of `fields`.
pub async fn refuse(
    state: &AppState,
    ctx: &Ctx,
    lang: Language,
    user: &User,
    error: &Error,
    fields: &[&str],
) -> Response {
    account_page(state, ctx, lang, user)
        .await
        .with_error(lang, error, fields)
        .render(ctx, lang)
}

/// `POST /account/sessions/end`: ends one of the user's other sessions
/// (`identity::sessions`), then back to the account page.
pub async fn end_session(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    ctx: Ctx,
    form: Form,
) -> Response {
    let id = form.text("id").unwrap_or_default();
    let (signed, found) = tokio::join!(signed_in(&state, &ctx), sessions::find(&state, &id));
    let Some((_, user)) = signed else {
        return to_signin(&ctx, "/account");
    };
    let lang = ctx.lang(Some(&user));
    let ended = match (ctx.check_csrf(&form), found) {
        (Err(e), _) | (_, Err(e)) => Err(e),
        (Ok(()), Ok(found)) => sessions::end(&state, &attempt, &user, &id, found).await,
    };
    match ended {
        Ok(()) => see_other(&action("/account", lang), Vec::new()),
        Err(e) => refuse(&state, &ctx, lang, &user, &e, &[]).await,
    }
}
