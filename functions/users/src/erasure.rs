//! What the deletion cascade (`functions/lifecycle`) asks of this surface;
//! each step handles a batch and says whether anything is left.

use crate::store::SocialStore;
/// The index partitions of a user's followers and follow requests.
pub use crate::store::{followers_of, requests_of};
use domain::{Error, UserId};
use identity::AppState;

pub async fn follows_step(state: &AppState, user: &UserId) -> Result<bool, Error> {
    SocialStore::of(state).erase_follows_step(user).await
}

pub async fn blocks_step(state: &AppState, user: &UserId) -> Result<bool, Error> {
    SocialStore::of(state).erase_blocks_step(user).await
}

pub async fn invites(state: &AppState, user: &UserId) -> Result<(), Error> {
    SocialStore::of(state).erase_invites(user).await
}

pub async fn follower_shards(state: &AppState, user: &UserId) -> Result<(), Error> {
    SocialStore::of(state).erase_follower_shards(user).await
}
