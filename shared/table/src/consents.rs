//! A user's consents to OAuth clients (`CONSENT#<client>` in the user's
//! partition: the scopes allowed, remembered until revoked) and the refresh
//! families each client holds for them (`APPGRANT#<client>#<family>`,
//! written with the code's redemption), so revoking a client's access ends
//! every token it has.

use super::item::{key, n, s, to_item};
use super::{keys, Store, StoreError};
use aws_sdk_dynamodb::types::{ConditionCheck, Put};
use domain::UserId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Consent {
    pub client_id: String,
    /// Space-separated scopes the user allowed.
    pub scope: String,
    /// Milliseconds.
    pub granted_at: i64,
}

#[derive(Deserialize)]
struct AppGrant {
    family_id: String,
}

impl Store {
    pub async fn get_consent(
        &self,
        user: &UserId,
        client_id: &str,
    ) -> Result<Option<Consent>, StoreError> {
        self.get_record(key(keys::user(user), &keys::consent(client_id)))
            .await
    }

    /// Remembers (or widens) a consent, if the user still exists.
    pub async fn put_consent(&self, user: &UserId, consent: &Consent) -> Result<bool, StoreError> {
        let mut item = to_item(consent)?;
        item.extend(key(keys::user(user), &keys::consent(&consent.client_id)));
        let check = ConditionCheck::builder()
            .table_name(self.table())
            .set_key(Some(key(keys::user(user), keys::USER_SK)))
            .condition_expression("attribute_exists(pk)")
            .build()?;
        let put = Put::builder()
            .table_name(self.table())
            .set_item(Some(item))
            .build()?;
        match self
            .transaction()
            .check(Exists, check)
            .put(put)
            .commit()
            .await
        {
            Ok(()) => Ok(true),
            Err(super::TxError::Failed(_)) => Ok(false),
            Err(super::TxError::Store(e)) => Err(e),
        }
    }

    /// Every client the user consented to.
    pub async fn consents(&self, user: &UserId) -> Result<Vec<Consent>, StoreError> {
        self.prefix_records(keys::user(user), keys::CONSENT_PREFIX)
            .await
    }

    /// Forgets the consent and returns the refresh families the client
    /// holds for the user (their items removed), for the caller to revoke.
    pub async fn forget_client(
        &self,
        user: &UserId,
        client_id: &str,
    ) -> Result<Vec<String>, StoreError> {
        let prefix = keys::app_grants_prefix(client_id);
        let grants: Vec<AppGrant> = self.prefix_records(keys::user(user), &prefix).await?;
        let deletes = grants
            .iter()
            .map(|g| keys::app_grant(client_id, &g.family_id))
            .chain(std::iter::once(keys::consent(client_id)))
            .map(|sk| self.delete_item(key(keys::user(user), &sk)));
        futures::future::try_join_all(deletes).await?;
        Ok(grants.into_iter().map(|g| g.family_id).collect())
    }

    async fn delete_item(&self, key: super::item::Item) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(self.table())
            .set_key(Some(key))
            .send()
            .await?;
        Ok(())
    }
}

/// The only condition of a consent's write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Exists;

/// The item that files `family_id` under its user and client (a Put of the
/// redemption's transaction), gone with the family's end (TTL).
pub(crate) fn app_grant_item(
    user: &UserId,
    client_id: &str,
    family_id: &str,
    expires_at: i64,
) -> super::item::Item {
    let mut item = key(keys::user(user), &keys::app_grant(client_id, family_id));
    item.insert("family_id".into(), s(family_id));
    item.insert("client_id".into(), s(client_id));
    item.insert("expires_at".into(), n(expires_at));
    item
}
