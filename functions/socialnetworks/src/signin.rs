//! What signing in through a network needs of the networks (the hosted
//! pages call it): the networks the sign-in page offers, and a network as
//! a `federation` provider, its settings opened with the key service.

use crate::settings;
use crate::store::{NetworkRecord, NetworksStore};
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
