//! Invite codes. Each verified user gets a fixed number, minted once: the
//! list item `USER#<owner>` / `INVITES` (the codes, in order) is written
//! with `attribute_not_exists` in the transaction that creates the codes,
//! so concurrent first reads mint one set. A code `INVITE#<code>` /
//! `INVITE` is used once: the sign-up transaction rewrites it with
//! `target_id` and `updated_at` under `attribute_not_exists(target_id)`.

use super::error::invalid_invite_code;
use super::{keys, SocialStore};
use chrono::{DateTime, Utc};
use domain::{Error, ErrorKind, User, UserId};
use identity::sign_up::ExtraWrites;
use serde::{Deserialize, Serialize};
use table::item::{from_item, put_new, to_item};
use table::{StoreError, TxError};

/// A code shaped like the document's `GU-2526-1687389089010`: two letters,
/// four digits, the minting instant in milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteCode(String);

impl InviteCode {
    pub fn generate() -> Self {
        let letters: String = (0..2)
            .map(|_| char::from(b'A' + rand::random_range(0..26u8)))
            .collect();
        let digits = rand::random_range(0..10_000u32);
        Self(format!(
            "{letters}-{digits:04}-{:013}",
            domain::time::now_ms()
        ))
    }

    /// Case-insensitive; anything else shaped otherwise is refused.
    pub fn parse(raw: &str) -> Result<Self, Error> {
        let code = raw.trim().to_ascii_uppercase();
        let parts: Vec<&str> = code.split('-').collect();
        let shaped = matches!(parts.as_slice(), [a, b, c]
            if a.len() == 2 && a.bytes().all(|x| x.is_ascii_uppercase())
                && b.len() == 4 && b.bytes().all(|x| x.is_ascii_digit())
                && c.len() == 13 && c.bytes().all(|x| x.is_ascii_digit()));
        if !shaped {
            return Err(Error::invalid("inviteCode", "is not an invite code"));
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One code as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InviteRecord {
    pub code: String,
    pub owner: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_id: Option<UserId>,
}

#[derive(Debug, Serialize, Deserialize)]
struct InviteList {
    codes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum MintTag {
    /// Another request minted the codes first.
    Minted,
    /// A fresh code collided with an existing one.
    Code,
}

impl<'a> SocialStore<'a> {
    /// The codes listed for `owner`, if they were minted.
    pub async fn invite_list(&self, owner: &UserId) -> Result<Option<Vec<String>>, Error> {
        Ok(self
            .get::<InviteList>(keys::invite_list(owner))
            .await?
            .map(|l| l.codes))
    }

    /// The owner's codes (`listed` as read beside the caller's check), or
    /// minted on the first read. Unverified accounts have none.
    pub async fn invite_codes(
        &self,
        owner: &User,
        mut listed: Option<Vec<String>>,
        count: u32,
    ) -> Result<Vec<InviteRecord>, Error> {
        if !owner.email_verified {
            return Ok(Vec::new());
        }
        for _ in 0..3 {
            if let Some(codes) = listed {
                return self.invite_records(&codes).await;
            }
            match self.mint(&owner.id, count).await {
                Ok(records) => return Ok(records),
                // Minted concurrently: read theirs. A code collision: draw again.
                Err(TxError::Failed(_)) => listed = self.invite_list(&owner.id).await?,
                Err(TxError::Store(e)) => return Err(e.into()),
            }
        }
        Err(Error::unavailable("invite codes: minting kept colliding"))
    }

    async fn invite_records(&self, codes: &[String]) -> Result<Vec<InviteRecord>, Error> {
        let items = self
            .batch(codes.iter().map(|c| keys::invite_code(c)).collect())
            .await?;
        let mut records = items
            .into_iter()
            .map(from_item::<InviteRecord>)
            .collect::<Result<Vec<_>, _>>()?;
        records.sort_by_key(|r| codes.iter().position(|c| *c == r.code));
        Ok(records)
    }

    async fn mint(
        &self,
        owner: &UserId,
        count: u32,
    ) -> Result<Vec<InviteRecord>, TxError<MintTag>> {
        let now = domain::time::now();
        let records: Vec<InviteRecord> = (0..count)
            .map(|_| InviteRecord {
                code: InviteCode::generate().0,
                owner: owner.clone(),
                created_at: now,
                updated_at: now,
                target_id: None,
            })
            .collect();
        let mut list = to_item(&InviteList {
            codes: records.iter().map(|r| r.code.clone()).collect(),
        })?;
        list.extend(keys::invite_list(owner));
        let mut tx = self
            .table
            .transaction()
            .put_if(MintTag::Minted, put_new(self.name(), list)?);
        for record in &records {
            let mut item = to_item(record)?;
            item.extend(keys::invite_code(&record.code));
            tx = tx.put_if(MintTag::Code, put_new(self.name(), item)?);
        }
        tx.commit().await?;
        Ok(records)
    }

    /// The code as stored (for the sign-up that uses it).
    pub async fn invite(&self, code: &InviteCode) -> Result<Option<InviteRecord>, Error> {
        self.get(keys::invite_code(code.as_str())).await
    }

    /// What a sign-up with `code` writes in its create transaction: the
    /// code marked used by the new account, only while it is unused.
    pub async fn invite_writes(
        self,
        code: Option<InviteCode>,
    ) -> Result<Option<ExtraWrites>, Error> {
        let Some(code) = code else {
            return Ok(None);
        };
        let record = self
            .invite(&code)
            .await?
            .filter(|r| r.target_id.is_none())
            .ok_or_else(invalid_invite_code)?;
        let table = self.name().to_owned();
        Ok(Some(Box::new(move |user: &User| {
            Ok(vec![redeem_put(&table, &record, &user.id)?])
        })))
    }

    /// Why a sign-up with `code` did not apply: the code was used by a
    /// concurrent sign-up (400), or `failure` as it was.
    pub async fn explain_sign_up_failure(&self, code: &InviteCode, failure: Error) -> Error {
        if failure.kind != ErrorKind::Unavailable {
            return failure;
        }
        match self.invite(code).await {
            Ok(Some(r)) if r.target_id.is_some() => invalid_invite_code(),
            _ => failure,
        }
    }
}

/// The `inviteCode` of a sign-up: required when the deployment is
/// invite-only, else optional; shaped like a code either way.
pub fn invite_code_of(
    state: &identity::AppState,
    raw: Option<&str>,
) -> Result<Option<InviteCode>, Error> {
    match raw {
        Some(raw) => InviteCode::parse(raw).map(Some),
        None if state.config.invite_only => Err(Error::invalid(
            "inviteCode",
            "is required: sign-up is by invitation",
        )),
        None => Ok(None),
    }
}

/// The put that marks `record` used by `new_user`, for the sign-up
/// transaction: it applies only while the code is unused.
pub fn redeem_put(
    table: &str,
    record: &InviteRecord,
    new_user: &UserId,
) -> Result<aws_sdk_dynamodb::types::Put, StoreError> {
    let mut used = record.clone();
    used.target_id = Some(new_user.clone());
    used.updated_at = domain::time::now();
    let mut item = to_item(&used)?;
    item.extend(keys::invite_code(&record.code));
    item.insert("gsi2pk".into(), table::item::s(keys::redeemed_by(new_user)));
    item.insert("gsi2sk".into(), table::item::s(record.code.as_str()));
    Ok(aws_sdk_dynamodb::types::Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression("attribute_exists(pk) AND attribute_not_exists(target_id)")
        .build()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_the_documented_shape() {
        let code = InviteCode::generate();
        assert_eq!(InviteCode::parse(code.as_str()).unwrap(), code);
        assert_eq!(
            InviteCode::parse(" gu-2526-1687389089010 ")
                .unwrap()
                .as_str(),
            "GU-2526-1687389089010"
        );
        for bad in [
            "",
            "GU-2526",
            "G1-2526-1687389089010",
            "GU-25a6-1687389089010",
            "GU-2526-168738908901",
        ] {
            assert_eq!(
                InviteCode::parse(bad).unwrap_err().field.as_deref(),
                Some("inviteCode")
            );
        }
    }
}
