//! `GET/POST /consent`: the user allows or denies a third-party client the
//! scopes its authorization request asks for. `/oauth/authorize` sends the
//! browser here with `return_to` (the authorization request itself, a
//! same-origin path); allowing remembers the consent
//! (`identity::consent::allow`) and goes back, denying goes back with
//! `consent=denied`, which the authorization endpoint turns into
//! `access_denied` for the client. The client and scopes shown are read
//! from the request being answered, and checked against the client's
//! registration.

use super::{action, signed_in, to_signin};
use crate::context::Ctx;
use crate::error;
use crate::form::Form;
use crate::render::{see_other, strings, Page};
use axum::extract::State;
use axum::response::Response;
use domain::scopes::ScopeSet;
use domain::{Error, Language};
use identity::AppState;
use serde_json::json;
use table::OAuthClient;

const AUTHORIZE: &str = "/oauth/authorize?";

/// The authorization request being answered: its path and what it asks.
struct Asked {
    return_to: String,
    client: OAuthClient,
    scopes: ScopeSet,
}

fn bad_request() -> Error {
    Error::invalid(
        "return_to",
        "this page was opened without a request to answer",
    )
}

async fn asked(state: &AppState, raw: Option<&str>) -> Result<Asked, Error> {
    let return_to = crate::return_to::safe(raw);
    let query = return_to.strip_prefix(AUTHORIZE).ok_or_else(bad_request)?;
    let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let client_id = get("client_id")
        .filter(|c| c.len() <= 256)
        .ok_or_else(bad_request)?;
    let client = state
        .store
        .get_oauth_client(client_id)
        .await?
        .ok_or_else(bad_request)?;
    let scopes = ScopeSet::parse(get("scope").unwrap_or_default()).map_err(|_| bad_request())?;
    if scopes.is_empty() || !scopes.is_subset_of(&ScopeSet::parse_lenient(&client.scopes)) {
        return Err(bad_request());
    }
    Ok(Asked {
        return_to,
        client,
        scopes,
    })
}

fn consent_page(lang: Language, asked: &Asked) -> Page {
    let words = &strings(lang)["scope_words"];
    let scopes: Vec<String> = asked
        .scopes
        .iter()
        .map(|s| words[s].as_str().unwrap_or(s).to_owned())
        .collect();
    Page::new("consent.html")
        .var("action", action("/consent", lang))
        .var(
            "client",
            json!({ "name": asked.client.name, "logo": asked.client.logo }),
        )
        .var("scopes", scopes)
        .var("return_to", &asked.return_to)
}

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Response {
    let Some((_, user)) = signed_in(&state, &ctx).await else {
        let here = format!("/consent?{}", ctx_query(&ctx));
        return to_signin(&ctx, &here);
    };
    let lang = ctx.lang(Some(&user));
    match asked(&state, ctx.query("return_to")).await {
        Ok(asked) => consent_page(lang, &asked).render(&ctx, lang),
        Err(e) => error::page(&ctx, &e),
    }
}

pub async fn submit(State(state): State<AppState>, ctx: Ctx, form: Form) -> Response {
    if let Err(e) = ctx.check_csrf(&form) {
        return error::page(&ctx, &e);
    }
    let Some((_, user)) = signed_in(&state, &ctx).await else {
        return to_signin(&ctx, &crate::return_to::safe(form.raw("return_to")));
    };
    let asked = match asked(&state, form.raw("return_to")).await {
        Ok(asked) => asked,
        Err(e) => return error::page(&ctx, &e),
    };
    if form.raw("decision") != Some("allow") {
        return see_other(&format!("{}&consent=denied", asked.return_to), Vec::new());
    }
    match identity::consent::allow(&state, &user.id, &asked.client.client_id, &asked.scopes).await {
        Ok(true) => see_other(&asked.return_to, Vec::new()),
        Ok(false) => to_signin(&ctx, &asked.return_to),
        Err(e) => error::page(&ctx, &e),
    }
}

fn ctx_query(ctx: &Ctx) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    if let Some(r) = ctx.query("return_to") {
        q.append_pair("return_to", r);
    }
    q.finish()
}
