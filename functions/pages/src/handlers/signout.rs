//! `POST /signout` (this browser) and `POST /account/signout-all` (every
//! session and token of the user, on every surface), each with the CSRF
//! token. The same use cases as the Users API's logout and logout-all.

use crate::context::Ctx;
use crate::error;
use crate::form::Form;
use crate::render::see_other;
use axum::extract::State;
use axum::response::Response;
use domain::OpaqueToken;
use identity::logout::{end_everywhere, end_session, session_grants};
use identity::{session, AppState};
use web::SignInAttempt;

pub fn cookie_session(ctx: &Ctx) -> Option<OpaqueToken> {
    session::cookie_token(&ctx.headers).and_then(|t| OpaqueToken::parse(&t))
}

fn signed_out(ctx: &Ctx) -> Response {
    let lang = crate::lang::code(ctx.lang(None));
    see_other(
        &format!("/signin?notice=signed_out&ui_locales={lang}"),
        vec![session::clear_cookie()],
    )
}

/// `GET /signout`: asks before signing out (where RP-initiated logout
/// sends a browser whose relying party could not prove it asked).
pub async fn confirm(ctx: Ctx) -> Response {
    let lang = ctx.lang(None);
    crate::render::Page::new("signout.html")
        .var("action", super::action("/signout", lang))
        .render(&ctx, lang)
}

/// Ends this browser's session and the OAuth grants made through it.
pub async fn submit(State(state): State<AppState>, ctx: Ctx, form: Form) -> Response {
    if let Err(e) = ctx.check_csrf(&form) {
        return error::page(&ctx, &e);
    }
    if let Some(token) = cookie_session(&ctx) {
        let ended = async {
            let grants = session_grants(&state, &token).await?;
            end_session(&state, &token, &grants).await
        };
        if let Err(e) = ended.await {
            return error::page(&ctx, &e);
        }
    }
    signed_out(&ctx)
}

/// Signs the user out everywhere (the revocation stamp moves).
pub async fn everywhere(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    ctx: Ctx,
    form: Form,
) -> Response {
    if let Err(e) = ctx.check_csrf(&form) {
        return error::page(&ctx, &e);
    }
    let Some((_, user)) = super::signed_in(&state, &ctx).await else {
        return super::to_signin(&ctx, "/account");
    };
    if let Err(e) = end_everywhere(&state, &attempt, &user.id, cookie_session(&ctx).as_ref()).await
    {
        return error::page(&ctx, &e);
    }
    signed_out(&ctx)
}
