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
        self.put_keyed(NetworkSignIn::key(state_hash), pending)
            .await
    }

    /// The started sign-in, deleted as it is read: `None` when it is
    /// unknown, taken already or expired.
    pub async fn take_network_signin(
        &self,
        state_hash: &str,
    ) -> Result<Option<NetworkSignIn>, StoreError> {
        let pending: Option<NetworkSignIn> =
            self.take_keyed(NetworkSignIn::key(state_hash)).await?;
        Ok(pending.filter(|p| p.expires_at > time::now_secs()))
    }

    async fn put_keyed<T: Serialize>(&self, key: Item, record: &T) -> Result<(), StoreError> {
        let mut item = to_item(record)?;
        item.extend(key);
        self.client
            .put_item()
            .table_name(self.table())
            .set_item(Some(item))
            .send()
            .await?;
        Ok(())
    }

    /// The item at `key`, deleted as it is read.
    async fn take_keyed<T: serde::de::DeserializeOwned>(
        &self,
        key: Item,
    ) -> Result<Option<T>, StoreError> {
        let out = self
            .client
            .delete_item()
            .table_name(self.table())
            .set_key(Some(key))
            .return_values(ReturnValue::AllOld)
            .send()
            .await?;
        out.attributes.map(from_item).transpose()
    }
}

/// When a sign-in started now expires.
pub fn expiry() -> i64 {
    time::now_secs() + TTL_SECS
}

/// A network account proven in a browser whose address a verified
/// account owns: linked only once that account's owner signs in there and
/// confirms (the browser holds the ticket in a cookie). Ten minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkLinkOffer {
    pub network_id: u64,
    pub subject: String,
    pub login: String,
    pub name: String,
    pub url: String,
    pub expires_at: i64,
}

impl NetworkLinkOffer {
    fn key(ticket_hash: &str) -> Item {
        key(
            keys::network_link_offer(ticket_hash),
            keys::NETWORK_SIGNIN_SK,
        )
    }
}

impl Store {
    pub async fn put_network_link_offer(
        &self,
        ticket_hash: &str,
        offer: &NetworkLinkOffer,
    ) -> Result<(), StoreError> {
        self.put_keyed(NetworkLinkOffer::key(ticket_hash), offer)
            .await
    }

    /// The offer, if live; `take` deletes it as it reads (the confirming
    /// POST), else it stays (the page that asks).
    pub async fn network_link_offer(
        &self,
        ticket_hash: &str,
        take: bool,
    ) -> Result<Option<NetworkLinkOffer>, StoreError> {
        let key = NetworkLinkOffer::key(ticket_hash);
        let offer: Option<NetworkLinkOffer> = match take {
            true => self.take_keyed(key).await?,
            false => self.get_record(key).await?,
        };
        Ok(offer.filter(|o| o.expires_at > time::now_secs()))
    }
}
