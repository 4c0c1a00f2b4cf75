//! Finding a user by what a caller names: a login name, an email, an
//! integer id. Index reads (one call, a moment stale) for paths whose write
//! re-checks what it read; sentinel reads (strongly consistent) where the
//! answer itself must be current.

use super::item::{from_item, key, s, Item};
use super::{keys, Store, StoreError};
use domain::{User, UserId};

impl Store {
    /// The user holding a username (by its lowercase key), through GSI2:
    /// one call, eventually consistent.
    pub async fn find_user_by_username(&self, key: &str) -> Result<Option<User>, StoreError> {
        self.find_user_in(keys::GSI2, "gsi2pk", keys::login_name(key))
            .await
    }

    /// The user holding an email address (by its key), through GSI3: one
    /// call, eventually consistent (the login's write is conditioned on
    /// what was read, so a stale copy cannot complete a login).
    pub async fn find_user_by_email(&self, key: &str) -> Result<Option<User>, StoreError> {
        self.find_user_in(keys::GSI3, "gsi3pk", keys::email(key))
            .await
    }

    /// The user holding an integer id, through GSI4: one call, eventually
    /// consistent; for reads whose write re-checks the user.
    pub async fn find_user_by_seq(&self, seq: u64) -> Result<Option<User>, StoreError> {
        self.find_user_in(keys::GSI4, "gsi4pk", keys::user_seq(seq))
            .await
    }

    async fn find_user_in(
        &self,
        index: &str,
        attribute: &str,
        value: String,
    ) -> Result<Option<User>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(self.table())
            .index_name(index)
            .key_condition_expression(format!("{attribute} = :p"))
            .expression_attribute_values(":p", s(value))
            .limit(1)
            .send()
            .await?;
        out.items
            .unwrap_or_default()
            .into_iter()
            .next()
            .map(from_item)
            .transpose()
    }

    /// The id a uniqueness sentinel points to (strongly consistent).
    async fn sentinel_owner(&self, pk: String) -> Result<Option<UserId>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(self.table())
            .set_key(Some(key(pk, keys::SENTINEL_SK)))
            .consistent_read(true)
            .send()
            .await?;
        Ok(out
            .item
            .and_then(|i| i.get("user_id").and_then(|v| v.as_s().ok()).cloned())
            .map(UserId::from_stored))
    }

    pub async fn username_owner(&self, key: &str) -> Result<Option<UserId>, StoreError> {
        self.sentinel_owner(keys::username(key)).await
    }

    pub async fn email_owner(&self, key: &str) -> Result<Option<UserId>, StoreError> {
        self.sentinel_owner(keys::email(key)).await
    }

    pub async fn user_id_by_seq(&self, seq: u64) -> Result<Option<UserId>, StoreError> {
        self.sentinel_owner(keys::user_seq(seq)).await
    }

    /// The highest integer id handed out so far (0: none yet).
    pub async fn last_user_seq(&self) -> Result<u64, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(self.table())
            .set_key(Some(key(keys::counter("user_seq"), keys::COUNTER_SK)))
            .consistent_read(true)
            .send()
            .await?;
        Ok(out
            .item
            .and_then(|i| i.get("value")?.as_n().ok()?.parse().ok())
            .unwrap_or(0))
    }

    /// The users holding the integer ids of `seqs`, in id order (the
    /// operator's list: ids have gaps, so fewer users than ids): the ids'
    /// sentinels, then the users, two batch reads.
    pub async fn users_by_seq(
        &self,
        seqs: std::ops::RangeInclusive<u64>,
    ) -> Result<Vec<User>, StoreError> {
        let sentinels = seqs
            .map(|seq| key(keys::user_seq(seq), keys::SENTINEL_SK))
            .collect();
        let wanted: Vec<Item> = self
            .batch_get(sentinels)
            .await?
            .into_iter()
            .filter_map(|i| i.get("user_id")?.as_s().ok().cloned())
            .map(|id| key(keys::user(&UserId::from_stored(id)), keys::USER_SK))
            .collect();
        let mut users = self
            .batch_get(wanted)
            .await?
            .into_iter()
            .map(from_item)
            .collect::<Result<Vec<User>, _>>()?;
        users.sort_by_key(|u| u.seq);
        Ok(users)
    }
}
