//! Sign-in networks on the account page: the networks offered, which the
//! user linked; `POST /account/networks/link` links another (through the
//! network's own sign-in, in link mode), `POST /account/networks/unlink`
//! removes one unless it is the last way in (no verified address to reset
//! a password through, and no other network).

use super::network::begin;
use super::{action, signed_in, to_signin};
use crate::context::Ctx;
use crate::error;
use crate::form::Form;
use crate::render::see_other;
use axum::extract::State;
use axum::response::Response;
use domain::audit::Kind;
use domain::{Error, User, UserId};
use federation::ExternalIdentity;
use identity::gate::Attempt;
use identity::AppState;
use serde_json::{json, Value};
use socialnetworks::signin::not_this_browsers;
use socialnetworks::store::{NetworkAccount, NetworkRecord, NetworksStore};
use web::SignInAttempt;

/// The account page's rows: each offered network, linked or not.
pub async fn views(state: &AppState, user: &User) -> Vec<Value> {
    match socialnetworks::signin::links_of(state, user.seq).await {
        Ok(rows) => rows
            .into_iter()
            .map(|(n, member)| {
                json!({ "id": n.id, "name": super::networks::title(&n.key),
                        "linked": member.is_some() })
            })
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "linked networks not listed");
            Vec::new()
        }
    }
}

/// The network account `who` as a link records it.
pub fn account_of(who: &ExternalIdentity, fallback: &str) -> NetworkAccount {
    NetworkAccount {
        value: who.subject.clone(),
        login: who.login.clone().unwrap_or_else(|| fallback.to_owned()),
        name: who.name.clone().unwrap_or_else(|| fallback.to_owned()),
        url: who.profile_url.clone().unwrap_or_default(),
    }
}

/// Links `who` to `user` (the callback of a link started here): only in
/// the browser where `user` is still signed in.
pub async fn linked(
    state: &AppState,
    attempt: &Attempt,
    ctx: &Ctx,
    network: &NetworkRecord,
    who: &ExternalIdentity,
    user: &UserId,
) -> Result<Response, Error> {
    let Some((_, me)) = signed_in(state, ctx).await.filter(|(_, me)| me.id == *user) else {
        return Err(not_this_browsers());
    };
    link(state, attempt, network.id, &me, who).await?;
    let lang = ctx.lang(Some(&me));
    Ok(see_other(
        &format!("{}&notice=network_linked", action("/account", lang)),
        Vec::new(),
    ))
}

pub async fn link(
    state: &AppState,
    attempt: &Attempt,
    network: u64,
    user: &User,
    who: &ExternalIdentity,
) -> Result<(), Error> {
    let store = NetworksStore::of(state);
    let snapshot = store.link_snapshot(network, user.seq).await?;
    let account = account_of(who, &user.username);
    let event = attempt.event(Kind::NetworkLinked);
    store
        .link_account(network, user.seq, &account, false, snapshot, &event)
        .await?;
    Ok(())
}

fn network_id(form: &Form) -> Result<u64, Error> {
    form.text("network")
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| Error::invalid("network", "names no network"))
}

pub async fn start_link(State(state): State<AppState>, ctx: Ctx, form: Form) -> Response {
    let Some((_, user)) = signed_in(&state, &ctx).await else {
        return to_signin(&ctx, "/account");
    };
    let started = match ctx.check_csrf(&form).and_then(|()| network_id(&form)) {
        Ok(id) => begin(&state, id, "/account".into(), Some(user.id)).await,
        Err(e) => Err(e),
    };
    started.unwrap_or_else(|e| error::page(&ctx, &e))
}

pub async fn unlink(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    ctx: Ctx,
    form: Form,
) -> Response {
    let Some((_, user)) = signed_in(&state, &ctx).await else {
        return to_signin(&ctx, "/account");
    };
    let lang = ctx.lang(Some(&user));
    let done = match ctx.check_csrf(&form).and_then(|()| network_id(&form)) {
        Ok(id) => socialnetworks::signin::unlink(&state, &attempt, &user, id).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => see_other(
            &format!("{}&notice=network_unlinked", action("/account", lang)),
            Vec::new(),
        ),
        Err(e) => super::account::refuse(&state, &ctx, lang, &user, &e, &[]).await,
    }
}
