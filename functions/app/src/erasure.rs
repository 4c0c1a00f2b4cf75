//! The App Users API's part of an account deletion (`functions/lifecycle`):
//! the statistics stop counting the account's facts, in the deletion's
//! last transaction (its notifications live in its partition, which the
//! cascade empties).

use crate::store::{AppStore, Facts};
use aws_sdk_dynamodb::types::Update;
use domain::{Error, User};
use identity::AppState;

/// The counters' update that uncounts `user` (none when nothing counted).
pub fn uncount(state: &AppState, user: &User) -> Result<Option<Update>, Error> {
    let delta = Facts::of(user).delta(&Facts::default());
    Ok(AppStore::of(state).stats_update(&delta)?)
}
