//! Connected apps on the account page: the third-party clients the user
//! allowed (`identity::consent`), and `POST /account/apps/revoke`, which
//! forgets the consent and ends every token the client holds.

use super::{action, signed_in, to_signin};
use crate::context::Ctx;
use crate::error;
use crate::form::Form;
use crate::render::{see_other, strings};
use axum::extract::State;
use axum::response::Response;
use domain::{Error, Language};
use identity::consent::ConnectedApp;
use identity::AppState;
use serde_json::{json, Value};
use web::SignInAttempt;

/// The apps as the account page lists them, scopes in plain words.
pub fn views(lang: Language, apps: &[ConnectedApp]) -> Vec<Value> {
    let words = &strings(lang)["scope_words"];
    apps.iter()
        .map(|a| {
            let scopes: Vec<&str> = a
                .scopes
                .iter()
                .map(|s| words[s].as_str().unwrap_or(s))
                .collect();
            json!({ "client_id": a.client_id, "name": a.name, "scopes": scopes })
        })
        .collect()
}

pub async fn revoke(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    ctx: Ctx,
    form: Form,
) -> Response {
    let Some((_, user)) = signed_in(&state, &ctx).await else {
        return to_signin(&ctx, "/account");
    };
    let lang = ctx.lang(Some(&user));
    let client_id = form
        .text("client_id")
        .filter(|c| !c.is_empty() && c.len() <= 256)
        .ok_or_else(|| Error::invalid("client_id", "names no app"));
    let done = match (ctx.check_csrf(&form), client_id) {
        (Err(e), _) | (_, Err(e)) => Err(e),
        (Ok(()), Ok(client_id)) => {
            identity::consent::revoke(&state, &attempt, &user.id, &client_id).await
        }
    };
    match done {
        Ok(()) => see_other(
            &format!("{}&notice=app_revoked", action("/account", lang)),
            Vec::new(),
        ),
        Err(e) => error::page(&ctx, &e),
    }
}
