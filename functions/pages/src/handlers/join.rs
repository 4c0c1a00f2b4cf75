//! `GET/POST /join/{link}`: the page a site invitation's email opens. It
//! shows the site and the invitation, and accepts it for the signed-in
//! user through `sites::join`, the rules `POST /unet/join/{link}` applies
//! (the link's secret is the credential; one accept wins). Without a
//! session: sign in (or create an account) and come back to the link.

use super::{action, signed_in, to_signin};
use crate::context::Ctx;
use crate::error;
use crate::form::Form;
use crate::render::Page;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::{Error, Language, User};
use identity::AppState;
use serde_json::json;
use sites::join::{self, Link};
use sites::model::check_acceptable;
use sites::store::{InvitationRecord, SiteRecord};

fn here(raw: &str) -> String {
    format!(
        "/join/{}",
        url::form_urlencoded::byte_serialize(raw.as_bytes()).collect::<String>()
    )
}

/// The site's address as a link only when it is a web address.
fn web_url(url: &str) -> Option<&str> {
    (url.starts_with("https://") || url.starts_with("http://")).then_some(url)
}

fn join_page(
    lang: Language,
    raw: &str,
    inv: &InvitationRecord,
    site: &SiteRecord,
    user: Option<&User>,
) -> Page {
    let signin = serde_urlencoded::to_string([
        ("return_to", here(raw).as_str()),
        ("ui_locales", crate::lang::code(lang)),
    ])
    .unwrap_or_default();
    Page::new("join.html")
        .var(
            "site",
            json!({ "title": site.title, "url": web_url(&site.url) }),
        )
        .var("label", &inv.label)
        .var("acceptable", check_acceptable(inv.status).is_ok())
        .var("user", user.map(|u| json!({ "username": u.username })))
        .var("action", action(&here(raw), lang))
        .var("signin_href", format!("/signin?{signin}"))
        .var("signup_href", action("/signup", lang))
}

pub async fn show(State(state): State<AppState>, ctx: Ctx, Path(raw): Path<String>) -> Response {
    let link = Link::parse(&raw);
    let (signed, opened) = tokio::join!(signed_in(&state, &ctx), join::open(&state, &link));
    let user = signed.map(|(_, u)| u);
    let lang = ctx.lang(user.as_ref());
    match opened {
        Ok((inv, site)) => join_page(lang, &raw, &inv, &site, user.as_ref()).render(&ctx, lang),
        Err(e) => error::page(&ctx, &e),
    }
}

pub async fn accept(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(raw): Path<String>,
    form: Form,
) -> Response {
    if let Err(e) = ctx.check_csrf(&form) {
        return error::page(&ctx, &e);
    }
    let link = Link::parse(&raw);
    let (signed, opened) = tokio::join!(signed_in(&state, &ctx), join::open(&state, &link));
    let Some((_, user)) = signed else {
        return to_signin(&ctx, &here(&raw));
    };
    let lang = ctx.lang(Some(&user));
    let (inv, site) = match opened {
        Ok(found) => found,
        Err(e) => return error::page(&ctx, &e),
    };
    match join::accept(&state, &user, &inv, &site).await {
        Ok(_) => Page::new("joined.html")
            .var(
                "site",
                json!({ "title": site.title, "url": web_url(&site.url) }),
            )
            .render(&ctx, lang),
        Err(e) => refused(&ctx, lang, &raw, &inv, &site, &user, &e),
    }
}

/// The invitation page again, with why it could not be accepted.
fn refused(
    ctx: &Ctx,
    lang: Language,
    raw: &str,
    inv: &InvitationRecord,
    site: &SiteRecord,
    user: &User,
    error: &Error,
) -> Response {
    join_page(lang, raw, inv, site, Some(user))
        .var("acceptable", false)
        .with_error(lang, error, &[])
        .render(ctx, lang)
}
