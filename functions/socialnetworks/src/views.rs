//! The response shapes of the document, field for field.

use crate::settings::{self, Credentials};
use crate::store::{iso, Network, NetworkRecord, SlotRecord};
use serde::Serialize;

/// A network in lists and in create/update/toggle answers.
#[derive(Serialize)]
pub struct NetworkView {
    id: u64,
    key: String,
    cooldown_time: u64,
    allow_to_register: bool,
    icon: String,
    enabled: bool,
}

impl From<NetworkRecord> for NetworkView {
    fn from(n: NetworkRecord) -> Self {
        Self {
            id: n.id,
            key: n.key,
            cooldown_time: n.cooldown_time,
            allow_to_register: n.allow_to_register,
            icon: n.icon,
            enabled: n.enabled,
        }
    }
}

/// The detail: the summary plus masked `settings` and `users_count`.
#[derive(Serialize)]
pub struct NetworkDetailView {
    #[serde(flatten)]
    summary: NetworkView,
    settings: Credentials,
    users_count: u64,
}

impl From<Network> for NetworkDetailView {
    fn from(n: Network) -> Self {
        let settings = settings::masked(&n.record.settings);
        let users_count = n.users_count();
        Self {
            summary: n.record.into(),
            settings,
            users_count,
        }
    }
}

/// One row of a network's users (and the answer to a link).
#[derive(Serialize)]
pub struct NetworkUserView {
    id: u64,
    name: String,
    login: String,
    value: String,
    url: String,
    linked_at: String,
}

impl From<SlotRecord> for NetworkUserView {
    fn from(s: SlotRecord) -> Self {
        Self {
            id: s.user_seq,
            name: s.name,
            login: s.login,
            value: s.value,
            url: s.url,
            linked_at: iso(s.linked_at),
        }
    }
}

#[derive(Serialize)]
pub struct StatsView {
    total_users: u64,
    active_users: u64,
    registrations_this_month: u64,
    /// `null` until the first authorization.
    last_authorization: Option<String>,
}

impl From<Network> for StatsView {
    fn from(n: Network) -> Self {
        Self {
            total_users: n.users_count(),
            active_users: n.active_this_month,
            registrations_this_month: n.registrations_this_month,
            last_authorization: n.last_authorization().map(iso),
        }
    }
}
