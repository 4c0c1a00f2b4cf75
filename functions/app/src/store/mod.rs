//! The App Users API's own access patterns on the one table
//! (docs/data-model.md): the country / city catalogue, the sharded
//! statistics counters, the notification history, and the writes of the
//! user's app settings (guarded by the session that asks for them, or by
//! a notification's unsubscribe token).

mod catalogue;
mod keys;
mod moderation;
mod notifications;
mod setting;
mod settings;
mod stats;
mod unsubscribe;

pub use catalogue::{Place, SEED_CITIES, SEED_COUNTRIES};
pub use notifications::{HistoryPage, NotificationRecord};
pub use setting::Setting;
pub use settings::{Facts, SettingsWrite};
pub use unsubscribe::UnsubscribeToken;

use domain::Error;
use identity::AppState;
use table::Store;

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

/// A write refused by the holder guard (`table::guard`): the session no
/// longer speaks for the user.
pub fn session_dead() -> Error {
    crate::error::authentication_required()
}
