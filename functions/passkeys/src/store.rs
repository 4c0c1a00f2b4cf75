//! The passkeys' items (docs/data-model.md, "Passkeys"): the credential by
//! its id (`PASSKEY#<id>` / `PASSKEY`, the one item a username-less
//! sign-in reads), its entry in its owner's partition (`USER#<id>` /
//! `PASSKEY#<id>`, what the owner's list walks) and a ceremony's server
//! state by its challenge (`WEBAUTHN#<challenge>` / `CEREMONY`, taken once).

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::{
    AttributeValue, Delete, KeysAndAttributes, ReturnValue, TransactWriteItem,
};
use domain::UserId;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use table::item::{key, n, put_new, s, Item};
use table::{keys, InvalidCursor, Listing, Store, StoreError};

/// How long a ceremony may take: the options' own timeout (five minutes)
/// plus slack for the clocks.
pub const CEREMONY_TTL_SECS: i64 = 6 * 60;
/// The most passkeys options name (`allowCredentials`,
/// `excludeCredentials`): no account needs more.
pub const MAX_LISTED: i32 = 50;

/// A registered credential. Binary parts in base64url (no padding).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct PasskeyRecord {
    pub pk: String,
    pub sk: String,
    pub id: String,
    pub user: String,
    pub name: String,
    /// `StaticState` as `webauthn_rp` encodes it: the public key.
    pub static_state: String,
    /// `DynamicState` (7 bytes): UV, backup, counter, attachment.
    pub dynamic_state: String,
    pub sign_count: u32,
    pub backup_eligible: bool,
    pub backed_up: bool,
    pub created_ms: i64,
    #[serde(default)]
    pub last_used_ms: Option<i64>,
}

#[derive(Serialize, Deserialize)]
pub struct CeremonyRecord {
    pub pk: String,
    pub sk: String,
    /// `register` or `login`.
    pub kind: String,
    /// Whose registration it is (none for a sign-in).
    #[serde(default)]
    pub user: Option<String>,
    /// The server state as `webauthn_rp` encodes it (base64url).
    pub state: String,
    pub expires_at: i64,
    /// For a second factor: the hash of the sign-in challenge
    /// (`sessionHash`) it answers, so it answers no other.
    #[serde(default)]
    pub session: Option<String>,
    /// For a sign-in: the hash of the ceremony cookie the options set, so
    /// only the browser or app that asked may answer.
    #[serde(default)]
    pub browser: Option<String>,
}

impl CeremonyRecord {
    pub fn new(challenge: &str, kind: &str, user: Option<&UserId>, state: String) -> Self {
        Self {
            pk: keys::ceremony(challenge),
            sk: keys::CEREMONY_SK.to_owned(),
            kind: kind.to_owned(),
            user: user.map(ToString::to_string),
            state,
            expires_at: domain::time::now_ms() / 1000 + CEREMONY_TTL_SECS,
            session: None,
            browser: None,
        }
    }
}

/// The owner's list of passkeys: the entries in their partition, by
/// credential id (random: no order of creation, but stable across pages).
pub fn listing(user: &UserId) -> Listing {
    Listing {
        name: "passkeys",
        index: None,
        partition: ("pk", keys::user(user)),
        sort: ("sk", keys::USER_PASSKEY_PREFIX.to_owned()),
    }
}

/// The passkeys' reads and writes on the one table.
#[derive(Clone, Copy)]
pub struct PasskeyStore<'a>(pub &'a Store);

/// A write whose condition may fail (a single item's, or a
/// transaction's): `Ok(false)` when it did.
fn conditional<T, E, R>(result: Result<T, SdkError<E, R>>) -> Result<bool, StoreError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match result {
        Ok(_) => Ok(true),
        Err(e)
            if matches!(
                e.code(),
                Some("ConditionalCheckFailedException" | "TransactionCanceledException")
            ) =>
        {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

impl PasskeyStore<'_> {
    fn client(&self) -> &aws_sdk_dynamodb::Client {
        self.0.client()
    }

    fn name(&self) -> &str {
        self.0.table()
    }

    pub async fn put_ceremony(&self, record: &CeremonyRecord) -> Result<(), StoreError> {
        self.client()
            .put_item()
            .table_name(self.name())
            .set_item(Some(table::to_item(record)?))
            .send()
            .await?;
        Ok(())
    }

    /// Takes the ceremony once: of two concurrent takers exactly one gets
    /// it (a conditional delete). `None` when it is gone or expired.
    pub async fn take_ceremony(
        &self,
        challenge: &str,
    ) -> Result<Option<CeremonyRecord>, StoreError> {
        let taken = self
            .client()
            .delete_item()
            .table_name(self.name())
            .set_key(Some(key(keys::ceremony(challenge), keys::CEREMONY_SK)))
            .condition_expression("attribute_exists(pk)")
            .return_values(ReturnValue::AllOld)
            .send()
            .await;
        let out = match taken {
            Ok(out) => out,
            Err(e) if e.code() == Some("ConditionalCheckFailedException") => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let Some(item) = out.attributes else {
            return Ok(None);
        };
        let record: CeremonyRecord = table::from_item(item)?;
        let now = domain::time::now_ms() / 1000;
        Ok((record.expires_at > now).then_some(record))
    }

    /// Writes a new credential and its owner's entry; `false` when the
    /// credential id is registered already.
    pub async fn create(&self, record: &PasskeyRecord) -> Result<bool, StoreError> {
        let user = UserId::parse(&record.user).map_err(|_| corrupt("user"))?;
        let mut entry = key(keys::user(&user), &keys::user_passkey(&record.id));
        entry.insert("created_ms".into(), n(record.created_ms));
        let written = self
            .client()
            .transact_write_items()
            .transact_items(
                TransactWriteItem::builder()
                    .put(put_new(self.name(), table::to_item(record)?)?)
                    .build(),
            )
            .transact_items(
                TransactWriteItem::builder()
                    .put(put_new(self.name(), entry)?)
                    .build(),
            )
            .send()
            .await;
        conditional(written)
    }

    pub async fn get(&self, credential_id: &str) -> Result<Option<PasskeyRecord>, StoreError> {
        let out = self
            .client()
            .get_item()
            .table_name(self.name())
            .set_key(Some(key(keys::passkey(credential_id), keys::PASSKEY_SK)))
            .consistent_read(true)
            .send()
            .await?;
        out.item.map(table::from_item).transpose()
    }

    /// The ids of the user's passkeys (at most [`MAX_LISTED`]), from
    /// their partition's entries alone: what `allowCredentials` and
    /// `excludeCredentials` name.
    pub async fn ids(&self, user: &UserId) -> Result<Vec<String>, StoreError> {
        let out = self
            .client()
            .query()
            .table_name(self.name())
            .key_condition_expression("pk = :pk AND begins_with(sk, :p)")
            .expression_attribute_values(":pk", s(keys::user(user)))
            .expression_attribute_values(":p", s(keys::USER_PASSKEY_PREFIX))
            .projection_expression("sk")
            .consistent_read(true)
            .limit(MAX_LISTED)
            .send()
            .await?;
        Ok(out
            .items()
            .iter()
            .filter_map(|i| i.get("sk")?.as_s().ok())
            .filter_map(|sk| sk.strip_prefix(keys::USER_PASSKEY_PREFIX))
            .map(str::to_owned)
            .collect())
    }

    /// One page of the user's passkeys (their ids, by id) from `cursor`,
    /// and the cursor of the next page; `Err` for a cursor this list did
    /// not hand out.
    pub async fn page(
        &self,
        user: &UserId,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<Result<(Vec<String>, Option<String>), InvalidCursor>, StoreError> {
        let listing = listing(user);
        let at = match cursor.map(|c| listing.open(c)).transpose() {
            Ok(at) => at,
            Err(e) => return Ok(Err(e)),
        };
        let page = self.0.page(&listing, limit, at.as_ref()).await?;
        let ids = page
            .items
            .iter()
            .filter_map(|i| i.get("sk")?.as_s().ok())
            .filter_map(|sk| sk.strip_prefix(keys::USER_PASSKEY_PREFIX))
            .map(str::to_owned)
            .collect();
        Ok(Ok((ids, page.next.map(|p| listing.seal(&p)))))
    }

    /// The credentials `ids` name that are `user`'s, in the order of `ids`
    /// (one batch: at most 100).
    pub async fn credentials(
        &self,
        user: &UserId,
        ids: &[String],
    ) -> Result<Vec<PasskeyRecord>, StoreError> {
        let keys: Vec<Item> = ids
            .iter()
            .map(|id| key(keys::passkey(id), keys::PASSKEY_SK))
            .collect();
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let batch = KeysAndAttributes::builder()
            .set_keys(Some(keys))
            .consistent_read(true)
            .build()?;
        let out = self
            .client()
            .batch_get_item()
            .request_items(self.name(), batch)
            .send()
            .await?;
        let mut found: Vec<PasskeyRecord> = out
            .responses
            .and_then(|mut r| r.remove(self.name()))
            .unwrap_or_default()
            .into_iter()
            .map(table::from_item)
            .collect::<Result<_, _>>()?;
        found.retain(|p| p.user == user.as_str());
        found.sort_by_key(|p| ids.iter().position(|id| *id == p.id));
        Ok(found)
    }

    /// Renames the user's passkey; `false` when it is not theirs.
    pub async fn rename(&self, user: &UserId, id: &str, name: &str) -> Result<bool, StoreError> {
        let done = self
            .client()
            .update_item()
            .table_name(self.name())
            .set_key(Some(key(keys::passkey(id), keys::PASSKEY_SK)))
            .update_expression("SET #n = :n")
            .condition_expression("#u = :u")
            .expression_attribute_names("#n", "name")
            .expression_attribute_names("#u", "user")
            .expression_attribute_values(":n", s(name))
            .expression_attribute_values(":u", s(user.to_string()))
            .send()
            .await;
        conditional(done)
    }

    /// Removes the user's passkey and their entry; `false` when not theirs.
    pub async fn delete(&self, user: &UserId, id: &str) -> Result<bool, StoreError> {
        let owned = Delete::builder()
            .table_name(self.name())
            .set_key(Some(key(keys::passkey(id), keys::PASSKEY_SK)))
            .condition_expression("#u = :u")
            .expression_attribute_names("#u", "user")
            .expression_attribute_values(":u", s(user.to_string()))
            .build()?;
        let entry = Delete::builder()
            .table_name(self.name())
            .set_key(Some(key(keys::user(user), &keys::user_passkey(id))))
            .build()?;
        let done = self
            .client()
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().delete(owned).build())
            .transact_items(TransactWriteItem::builder().delete(entry).build())
            .send()
            .await;
        conditional(done)
    }

    /// Records a sign-in's new state, conditioned on the counter it was
    /// checked against: of two assertions racing on one counter, one wins.
    pub async fn record_use(
        &self,
        before: &PasskeyRecord,
        after: Used,
    ) -> Result<bool, StoreError> {
        let values = HashMap::from([
            (":d".to_owned(), s(after.dynamic_state)),
            (":c".to_owned(), n(after.sign_count)),
            (":b".to_owned(), AttributeValue::Bool(after.backed_up)),
            (":t".to_owned(), n(domain::time::now_ms())),
            (":prev".to_owned(), n(before.sign_count)),
        ]);
        let done = self
            .client()
            .update_item()
            .table_name(self.name())
            .set_key(Some(key(keys::passkey(&before.id), keys::PASSKEY_SK)))
            .update_expression(
                "SET dynamic_state = :d, sign_count = :c, backed_up = :b, last_used_ms = :t",
            )
            .condition_expression("sign_count = :prev")
            .set_expression_attribute_values(Some(values))
            .send()
            .await;
        conditional(done)
    }
}

/// A credential's state after a verified assertion.
pub struct Used {
    pub dynamic_state: String,
    pub sign_count: u32,
    pub backed_up: bool,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("passkey: bad {what}"))
}

impl PasskeyRecord {
    /// What an assertion of this credential is verified against.
    pub fn kept<'a>(&'a self, owner: &'a UserId) -> crate::rp::Kept<'a> {
        crate::rp::Kept {
            owner,
            static_state: &self.static_state,
            dynamic_state: &self.dynamic_state,
        }
    }
}
