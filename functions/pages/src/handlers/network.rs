//! Signing in through a social network (docs/pages.md):
//! `GET /signin/network/{id}` starts it (the provider's authorization
//! request, its `state` in a cookie of this browser and its verifier and
//! nonce in the table), `GET /signin/network/callback` finishes it: the
//! state must be this browser's and unused, the provider must prove who
//! signed in (`federation::flow::finish`), and then
//! [`super::network_outcome`] signs them in, or registers them.

use super::network_outcome::settle;
use crate::context::Ctx;
use crate::error;
use crate::render::see_other;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use domain::opaque::hash_secret;
use domain::Error;
use federation::flow::{self, Callback, Pending};
use identity::AppState;
use web::SignInAttempt;

use socialnetworks::signin::STATE_COOKIE as COOKIE;
use socialnetworks::signin::{enabled_network, not_this_browsers, refusal as refused};

/// Starts a sign-in through network `id` (or, with `link_to`, the
/// linking of a network account to that signed-in user).
pub async fn begin(
    state: &AppState,
    id: u64,
    return_to: String,
    link_to: Option<domain::UserId>,
) -> Result<Response, Error> {
    let started = socialnetworks::signin::start(state, id, return_to, link_to).await?;
    let cookie = identity::cookies::set(COOKIE, &started.state, table::network_signins::TTL_SECS);
    Ok(see_other(started.url.as_str(), vec![cookie]))
}

pub async fn start(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let return_to = crate::return_to::safe(ctx.query("return_to"));
    let started = match id.parse() {
        Ok(id) => begin(&state, id, return_to, None).await,
        Err(_) => Err(Error::not_found("no such network")),
    };
    match started {
        Ok(response) => response,
        Err(e) => error::page(&ctx, &e),
    }
}

fn callback_of(ctx: &Ctx) -> Callback {
    let get = |name: &str| ctx.query(name).map(str::to_owned);
    Callback {
        code: get("code"),
        state: get("state"),
        iss: get("iss"),
        error: get("error"),
    }
}

async fn arrive(
    state: &AppState,
    attempt: &identity::gate::Attempt,
    ctx: &Ctx,
) -> Result<Response, Error> {
    let callback = callback_of(ctx);
    let given = callback.state.clone().unwrap_or_default();
    let held = identity::cookies::get(&ctx.headers, COOKIE).unwrap_or_default();
    if given.is_empty() || held != given {
        return Err(not_this_browsers());
    }
    let started = state
        .store
        .take_network_signin(&hash_secret(&given))
        .await?
        .ok_or_else(not_this_browsers)?;
    let network = enabled_network(state, started.network_id).await?;
    let provider = socialnetworks::signin::provider(state, &network).await?;
    let pending = Pending {
        state: given,
        verifier: started.verifier,
        nonce: started.nonce,
        redirect_uri: started.redirect_uri,
    };
    let who = flow::finish(&provider, &pending, &callback)
        .await
        .map_err(refused)?;
    match started.link_to {
        Some(user) => {
            super::account_networks::linked(state, attempt, ctx, &network, &who, &user).await
        }
        None => settle(state, attempt, ctx, &network, &who, &started.return_to).await,
    }
}

pub async fn callback(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    ctx: Ctx,
) -> Response {
    let mut response = match arrive(&state, &attempt, &ctx).await {
        Ok(response) => response,
        Err(e) => error::page(&ctx, &e),
    };
    // The state is spent either way.
    let (name, value) = identity::cookies::set(COOKIE, "", 0);
    response.headers_mut().append(name, value);
    response.into_response()
}
