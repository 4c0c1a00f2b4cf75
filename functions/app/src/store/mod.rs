//! The App Users API's own access patterns on the one table
//! (docs/data-model.md): the country / city catalogue, the sharded
//! statistics counters, the notification history, and the writes of the
//! user's app settings (guarded by the session that asks for them).

mod catalogue;
mod keys;
mod moderation;
mod notifications;
mod settings;
mod stats;

pub use catalogue::{Place, SEED_CITIES, SEED_COUNTRIES};
pub use notifications::{HistoryPage, NotificationRecord};
pub use settings::{Facts, SettingsWrite};

use aws_sdk_dynamodb::types::AttributeValue;
use domain::Error;
use identity::AppState;
use table::item::n;
use table::{Store, TokenRecord};

/// The App Users API's view of the one table.
#[derive(Clone, Copy)]
pub struct AppStore<'a> {
    table: &'a Store,
}

impl<'a> AppStore<'a> {
    pub fn new(table: &'a Store) -> Self {
        Self { table }
    }

    pub fn of(state: &'a AppState) -> Self {
        Self::new(&state.store)
    }

    fn name(&self) -> &str {
        self.table.table()
    }
}

/// The condition under which a session may still write its user: the
/// user exists, is not banned, and has not voided the session's tokens.
pub const SESSION_GUARD: &str = "attribute_exists(pk) AND tokens_valid_after <= :issued \
     AND (attribute_not_exists(banned) OR banned = :false)";

/// The values `SESSION_GUARD` names.
pub fn guard_values(session: &TokenRecord) -> [(&'static str, AttributeValue); 2] {
    [
        (":issued", n(session.issued_at)),
        (":false", AttributeValue::Bool(false)),
    ]
}

/// A write refused by `SESSION_GUARD`: the session no longer speaks for
/// the user.
pub fn session_dead() -> Error {
    crate::error::authentication_required()
}
