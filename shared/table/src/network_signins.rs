//! A sign-in through a social network between its start and its callback:
//! what the callback must check (the PKCE verifier, the nonce) and where
//! to go afterwards, under the hash of its `state` (the browser holds the
//! value in a cookie). Ten minutes, and taken once: of two callbacks with
//! one state, one finds it.

use super::item::{from_item, key, to_item, Item};
use super::{keys, Store, StoreError};
use aws_sdk_dynamodb::types::ReturnValue;
use domain::{time, UserId};
use serde::{Deserialize, Serialize};

pub const TTL_SECS: i64 = 600;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkSignIn {
    pub network_id: u64,
    pub verifier: String,
    pub nonce: String,
    pub redirect_uri: String,
    /// A same-origin path to go to once signed in.
    pub return_to: String,
    /// Linking from the account page: the signed-in user to link to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_to: Option<UserId>,
    /// Seconds: the TTL attribute, and checked in code.
    pub expires_at: i64,
}

impl NetworkSignIn {
    fn key(state_hash: &str) -> Item {
        key(keys::network_signin(state_hash), keys::NETWORK_SIGNIN_SK)
    }
}

impl Store {
    /// Remembers a started sign-in under its state's hash.
    pub async fn put_network_signin(
        &self,
        state_hash: &str,
        pending: &NetworkSignIn,
    ) -> Result<(), StoreError> {
        let mut item = to_item(pending)?;
        item.extend(NetworkSignIn::key(state_hash));
        self.client
            .put_item()
            .table_name(self.table())
            .set_item(Some(item))
            .send()
            .await?;
        Ok(())
    }

    /// The started sign-in, deleted as it is read: `None` when it is
    /// unknown, taken already or expired.
    pub async fn take_network_signin(
        &self,
        state_hash: &str,
    ) -> Result<Option<NetworkSignIn>, StoreError> {
        let out = self
            .client
            .delete_item()
            .table_name(self.table())
            .set_key(Some(NetworkSignIn::key(state_hash)))
            .return_values(ReturnValue::AllOld)
            .send()
            .await?;
        let pending: Option<NetworkSignIn> = out.attributes.map(from_item).transpose()?;
        Ok(pending.filter(|p| p.expires_at > time::now_secs()))
    }
}

/// When a sign-in started now expires.
pub fn expiry() -> i64 {
    time::now_secs() + TTL_SECS
}
