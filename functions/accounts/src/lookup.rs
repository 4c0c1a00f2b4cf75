//! "username and id parameters are mutually exclusive": the account a
//! request asks about.

use crate::ApiError;
use domain::{Error, User, UserId, Username, UsernameRule};
use serde::Deserialize;
use table::{Store, StoreError};

#[derive(Deserialize)]
pub struct TargetParams {
    id: Option<String>,
    username: Option<String>,
}

pub enum Target {
    Id(UserId),
    Username(Username),
}

impl TargetParams {
    pub fn parse(self) -> Result<Target, ApiError> {
        match (self.id, self.username) {
            (Some(id), None) => Ok(Target::Id(UserId::parse(&id).map_err(|e| e.at("id"))?)),
            (None, Some(name)) => Ok(Target::Username(
                Username::parse(&name, UsernameRule::LOOKUP).map_err(|e| e.at("username"))?,
            )),
            (Some(_), Some(_)) => {
                Err(Error::invalid("id", "give either id or username, not both").into())
            }
            (None, None) => Err(Error::invalid("id", "give either id or username").into()),
        }
    }
}

impl Target {
    pub async fn find(&self, store: &Store) -> Result<Option<User>, StoreError> {
        match self {
            Target::Id(id) => store.get_user(id).await,
            Target::Username(name) => store.find_user_by_username(&name.key()).await,
        }
    }

    /// Existence from strongly consistent reads (record or sentinel).
    pub async fn exists(&self, store: &Store) -> Result<bool, StoreError> {
        match self {
            Target::Id(id) => Ok(store.get_user(id).await?.is_some()),
            Target::Username(name) => Ok(store.username_owner(&name.key()).await?.is_some()),
        }
    }
}
