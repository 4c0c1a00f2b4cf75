//! What signing in through a network needs of the networks (the hosted
//! pages call it): the networks the sign-in page offers, and a network as
//! a `federation` provider, its settings opened with the key service.

use crate::settings;
use crate::store::{MemberRecord, NetworkRecord, NetworksStore};
use domain::Error;
use federation::{names, Provider};
use identity::AppState;

/// The most networks a sign-in page lists (the list is the operator's).
const MAX_OFFERED: u64 = 50;

/// A network on the sign-in page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Offered {
    pub id: u64,
    pub key: String,
    pub icon: String,
}

/// Whether a network can sign anyone in: enabled, with the platform's
/// app registered there, and a protocol (a preset, or its own settings).
pub fn offers_sign_in(record: &NetworkRecord) -> bool {
    let has = |name: &str| record.settings.contains_key(name);
    record.enabled
        && has(names::CLIENT_ID)
        && (federation::presets::preset(&record.key).is_some()
            || has(names::ISSUER)
            || has(names::AUTHORIZE))
}

/// The networks the sign-in page offers, in the list's order.
pub async fn offered(state: &AppState) -> Result<Vec<Offered>, Error> {
    let records = NetworksStore::of(state).networks_at(1, MAX_OFFERED).await?;
    Ok(records
        .into_iter()
        .filter(offers_sign_in)
        .map(|r| Offered {
            id: r.id,
            key: r.key,
            icon: r.icon,
        })
        .collect())
}

pub fn not_this_browsers() -> Error {
    Error::new(
        domain::ErrorKind::Forbidden,
        "network_state",
        "this sign-in was not started in this browser, or was finished already",
    )
}

/// A provider's refusal, in the words a person reads (never a 500): the
/// one mapping of `federation`'s errors, for starts and callbacks alike.
pub fn refusal(e: federation::FederationError) -> Error {
    use domain::ErrorKind::{Forbidden, Unauthenticated, Unavailable};
    use federation::FederationError as F;
    tracing::info!(reason = %e, "sign-in through a network refused");
    match e {
        F::StateMismatch => not_this_browsers(),
        F::Denied(_) => Error::new(Forbidden, "network_denied", e.to_string()),
        F::Unreachable(_) | F::NotConfigured(_) => {
            Error::new(Unavailable, "network_unreachable", e.to_string())
        }
        _ => Error::new(Unauthenticated, "network_unproven", e.to_string()),
    }
}

pub fn not_configured() -> Error {
    Error::unavailable("this network is not set up for signing in")
}

/// The network as a provider: its settings opened, over its key's preset.
pub async fn provider(state: &AppState, record: &NetworkRecord) -> Result<Provider, Error> {
    if !offers_sign_in(record) {
        return Err(not_configured());
    }
    let credentials = settings::open(state.secrets()?, &record.settings)
        .await
        .map_err(|e| {
            tracing::warn!(network = record.id, error = %e, "network settings do not open");
            not_configured()
        })?;
    Provider::from_settings(&record.key, &credentials).map_err(|e| {
        tracing::warn!(network = record.id, error = %e, "network settings are incomplete");
        not_configured()
    })
}

/// The offered networks, each with the user's link to it (if any).
pub async fn links_of(
    state: &AppState,
    user_seq: u64,
) -> Result<Vec<(Offered, Option<MemberRecord>)>, Error> {
    let store = NetworksStore::of(state);
    let offered = offered(state).await?;
    let members =
        futures::future::try_join_all(offered.iter().map(|n| store.member(n.id, user_seq))).await?;
    Ok(offered.into_iter().zip(members).collect())
}

pub fn last_way_in() -> Error {
    Error::new(
        domain::ErrorKind::Conflict,
        "network_last_way_in",
        "this network is the only way into the account: verify an address or link another network first",
    )
}

/// Unlinks `user` from `network`, unless it is their last way in: no
/// verified address to reset a password through, and no other network.
pub async fn unlink(
    state: &AppState,
    attempt: &identity::gate::Attempt,
    user: &domain::User,
    network: u64,
) -> Result<(), Error> {
    if !user.email_verified {
        let links = links_of(state, user.seq).await?;
        let others = links
            .iter()
            .filter(|(n, m)| n.id != network && m.is_some())
            .count();
        if others == 0 {
            return Err(last_way_in());
        }
    }
    let store = NetworksStore::of(state);
    let snapshot = store.unlink_snapshot(network, user.seq).await?;
    let event = attempt.event(domain::audit::Kind::NetworkUnlinked);
    store
        .unlink_account(network, user.seq, snapshot, &event)
        .await?;
    Ok(())
}

/// The cookie that binds a started sign-in to its browser (its `state`).
pub const STATE_COOKIE: &str = "nstate";
/// Where providers send the browser back (register it with each provider).
pub const CALLBACK_PATH: &str = "/signin/network/callback";

pub fn callback_uri(state: &AppState) -> String {
    let issuer = state.config.oauth_issuer.trim_end_matches('/');
    format!("{issuer}{CALLBACK_PATH}")
}

pub fn disabled() -> Error {
    Error::new(
        domain::ErrorKind::Forbidden,
        "network_disabled",
        "the network is turned off",
    )
}

/// Network `id`, if it exists and is enabled.
pub async fn enabled_network(state: &AppState, id: u64) -> Result<NetworkRecord, Error> {
    let network = NetworksStore::of(state)
        .get_network_record(id)
        .await?
        .ok_or_else(|| Error::not_found("no such network"))?;
    match network.enabled {
        true => Ok(network),
        false => Err(disabled()),
    }
}

/// A started sign-in: the provider's URL to send the browser to, and the
/// `state` the browser must hold ([`STATE_COOKIE`]) until the callback.
pub struct Started {
    pub url: url::Url,
    pub state: String,
}

/// Starts a sign-in through network `id` (or, with `link_to`, the linking
/// of a network account to that user): the provider's request, and its
/// verifier and nonce kept in the table under the state's hash.
pub async fn start(
    state: &AppState,
    id: u64,
    return_to: String,
    link_to: Option<domain::UserId>,
) -> Result<Started, Error> {
    let network = enabled_network(state, id).await?;
    let provider = provider(state, &network).await?;
    let (url, pending) = federation::flow::start(&provider, &callback_uri(state))
        .await
        .map_err(refusal)?;
    let record = table::network_signins::NetworkSignIn {
        network_id: id,
        verifier: pending.verifier,
        nonce: pending.nonce,
        redirect_uri: pending.redirect_uri,
        return_to,
        link_to,
        expires_at: table::network_signins::expiry(),
    };
    let hash = domain::opaque::hash_secret(&pending.state);
    state.store.put_network_signin(&hash, &record).await?;
    Ok(Started {
        url,
        state: pending.state,
    })
}
