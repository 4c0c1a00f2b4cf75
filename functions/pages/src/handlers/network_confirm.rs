//! A network account proven in a browser whose address a verified account
//! owns is never linked by the address alone: the browser keeps an offer
//! (the `nlink` cookie, ten minutes), signs in there with a password, and
//! `GET/POST /account/networks/confirm` asks and links it to whoever signed
//! in (they proved both the network account and the platform account).

use super::{action, signed_in, to_signin};
use crate::context::Ctx;
use crate::error;
use crate::form::Form;
use crate::render::{see_other, Page};
use axum::extract::State;
use axum::response::Response;
use domain::opaque::hash_secret;
use domain::{Error, OpaqueToken};
use federation::ExternalIdentity;
use identity::AppState;
use serde_json::json;
use socialnetworks::store::NetworkRecord;
use table::network_signins::{expiry, NetworkLinkOffer, TTL_SECS};
use web::SignInAttempt;

const COOKIE: &str = "nlink";
const HERE: &str = "/account/networks/confirm";

/// Keeps the offer and sends the browser to sign in, then here.
pub async fn offer(
    state: &AppState,
    network: &NetworkRecord,
    who: &ExternalIdentity,
) -> Result<Response, Error> {
    let ticket = OpaqueToken::generate();
    let offer = NetworkLinkOffer {
        network_id: network.id,
        subject: who.subject.clone(),
        login: who.login.clone().unwrap_or_default(),
        name: who.name.clone().unwrap_or_default(),
        url: who.profile_url.clone().unwrap_or_default(),
        expires_at: expiry(),
    };
    state
        .store
        .put_network_link_offer(&ticket.hash(), &offer)
        .await?;
    let cookie = identity::cookies::set(COOKIE, ticket.expose(), TTL_SECS);
    let query =
        serde_urlencoded::to_string([("return_to", HERE), ("notice", "network_link_signin")])
            .unwrap_or_default();
    Ok(see_other(&format!("/signin?{query}"), vec![cookie]))
}

fn no_offer() -> Error {
    Error::not_found("no network account is waiting to be linked in this browser")
}

async fn read(state: &AppState, ctx: &Ctx, take: bool) -> Result<NetworkLinkOffer, Error> {
    let ticket = identity::cookies::get(&ctx.headers, COOKIE).ok_or_else(no_offer)?;
    state
        .store
        .network_link_offer(&hash_secret(&ticket), take)
        .await?
        .ok_or_else(no_offer)
}

fn identity_of(offer: &NetworkLinkOffer) -> ExternalIdentity {
    let text = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    ExternalIdentity {
        subject: offer.subject.clone(),
        email: None,
        email_verified: false,
        name: text(&offer.name),
        login: text(&offer.login),
        profile_url: text(&offer.url),
    }
}

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Response {
    let Some((_, user)) = signed_in(&state, &ctx).await else {
        return to_signin(&ctx, HERE);
    };
    let lang = ctx.lang(Some(&user));
    let shown = async {
        let offer = read(&state, &ctx, false).await?;
        let network = socialnetworks::signin::enabled_network(&state, offer.network_id).await?;
        Ok::<_, Error>((offer, network))
    };
    match shown.await {
        Ok((offer, network)) => Page::new("network_confirm.html")
            .var("action", action(HERE, lang))
            .var(
                "network",
                json!({ "name": super::networks::title(&network.key),
                        "login": if offer.login.is_empty() { &offer.name } else { &offer.login } }),
            )
            .var("username", &user.username)
            .render(&ctx, lang),
        Err(e) => error::page(&ctx, &e),
    }
}

pub async fn confirm(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    ctx: Ctx,
    form: Form,
) -> Response {
    let Some((_, user)) = signed_in(&state, &ctx).await else {
        return to_signin(&ctx, HERE);
    };
    let lang = ctx.lang(Some(&user));
    let linked = async {
        ctx.check_csrf(&form)?;
        let offer = read(&state, &ctx, true).await?;
        let network = socialnetworks::signin::enabled_network(&state, offer.network_id).await?;
        super::account_networks::link(&state, &attempt, network.id, &user, &identity_of(&offer))
            .await
    };
    let mut response = match linked.await {
        Ok(()) => see_other(
            &format!("{}&notice=network_linked", action("/account", lang)),
            Vec::new(),
        ),
        Err(e) => error::page(&ctx, &e),
    };
    let (name, value) = identity::cookies::set(COOKIE, "", 0);
    response.headers_mut().append(name, value);
    response
}
