//! OAuth grants: authorization codes and refresh-token
//! families. Single use is always a conditional write: redeeming a code sets
//! `used_at` under `attribute_not_exists(used_at)`, rotating a refresh token
//! replaces `current_hash` under `current_hash = :presented`. The user's
//! revocation stamp is a `ConditionCheck` in the same transaction, so a
//! logout-all between two steps is never missed.

use super::item::{key, n, put_new, s, to_item};
use super::{keys, Store, StoreError, TxError};
use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, Put, Update};
use domain::UserId;
use serde::{Deserialize, Serialize};

/// An authorization code as stored (named by the hash of the code).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthCode {
    pub client_id: String,
    pub user_id: UserId,
    pub redirect_uri: String,
    pub scope: String,
    /// BASE64URL(SHA-256(verifier)); `None` only for confidential clients
    /// that did not use PKCE.
    pub code_challenge: Option<String>,
    /// The refresh family the redemption creates, fixed up front so a
    /// replayed code can revoke what the first redemption issued.
    pub family_id: String,
    /// Milliseconds; checked against the user's revocation stamp.
    pub issued_at: i64,
    /// Seconds: TTL attribute, and checked in code.
    pub expires_at: i64,
    /// Absent until redeemed (never stored as NULL: the redemption's
    /// condition is `attribute_not_exists(used_at)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_at: Option<i64>,
    /// Hash of the cookie session that granted the code: logging that
    /// session out revokes the family the code leads to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// OpenID Connect: the authorization request's `nonce`, echoed in the
    /// `id_token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// How and when the user signed in (the `id_token`'s claims).
    #[serde(default, flatten)]
    pub sign_in: SignInFacts,
}

/// The sign-in behind a grant, as the `id_token` states it: `auth_time`
/// (seconds) and `amr` (RFC 8176), copied from the cookie session.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct SignInFacts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amr: Vec<String>,
}

/// One authorization's refresh tokens: only `current_hash` is redeemable.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefreshFamily {
    pub family_id: String,
    pub user_id: UserId,
    pub client_id: String,
    pub scope: String,
    /// Milliseconds: when the user authorized; the revocation stamp voids
    /// the family when it moves past this.
    pub issued_at: i64,
    /// Seconds: the family's end (rotation does not extend it).
    pub expires_at: i64,
    pub current_hash: String,
    #[serde(default)]
    pub rotations: u64,
    #[serde(default)]
    pub revoked: bool,
    /// Hash of the cookie session that granted it (see `AuthCode::session`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// The sign-in behind the grant (refreshed `id_token`s repeat it).
    #[serde(default, flatten)]
    pub sign_in: SignInFacts,
    /// The last rotation: the token it replaced, when (ms), and the
    /// successor sealed for that token's holder (the reuse grace).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_rotation: Option<Rotation>,
}

/// One rotation of a refresh family, kept until the next.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Rotation {
    pub replaced_hash: String,
    pub at_ms: i64,
    pub successor_sealed: String,
}

/// Why a redemption or a rotation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum GrantWriteError {
    /// The code was used already, or the refresh token is not the current one.
    #[error("already used")]
    Replayed,
    /// The user voided their tokens after the grant, or was banned / deleted.
    #[error("the user's tokens were voided")]
    UserVoided,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The conditions of the grant transactions, declared in priority order:
/// when several of one transaction fail, the first decides its meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Grant {
    /// The code is not used yet (another redemption won).
    CodeUnused,
    /// The user stands and has not voided the grant.
    UserStands,
    /// The family is new (another redemption of the code created it).
    FamilyNew,
    /// The granting session was not logged out meanwhile.
    SessionLive,
    /// The presented refresh token is current and the family not revoked.
    TokenCurrent,
    /// No code has this hash: a collision of random codes, which the
    /// caller treats as its own failure.
    CodeFree,
}

impl From<TxError<Grant>> for GrantWriteError {
    fn from(e: TxError<Grant>) -> Self {
        let tags = match e {
            TxError::Failed(tags) => tags,
            TxError::Store(e) => return e.into(),
        };
        match tags.into_iter().min() {
            Some(Grant::UserStands | Grant::SessionLive) => GrantWriteError::UserVoided,
            Some(_) => GrantWriteError::Replayed,
            // `Failed` is never empty.
            None => StoreError::Backend("a cancellation without a reason".into()).into(),
        }
    }
}

/// The user still stands for a grant issued at `issued_ms` (guard.rs).
fn user_guard(table: &str, user: &UserId, issued_ms: i64) -> Result<ConditionCheck, StoreError> {
    crate::guard::Holder::new(user, issued_ms)
        .check(table, None)
        .build()
}

/// A put of a new item (`attribute_not_exists(pk)`).
fn is_condition_failure<E: aws_sdk_dynamodb::error::ProvideErrorMetadata>(e: &E) -> bool {
    e.code() == Some("ConditionalCheckFailedException")
}

impl Store {
    /// Stores a new code if, at this instant, the session's user still
    /// stands (`session_issued_ms` against the revocation stamp, not banned).
    pub async fn put_auth_code(
        &self,
        hash: &str,
        code: &AuthCode,
        session_issued_ms: i64,
    ) -> Result<(), GrantWriteError> {
        let table = self.table();
        let mut item = to_item(code)?;
        item.extend(key(keys::oauth_code(hash), keys::OAUTH_CODE_SK));
        // A user's codes, for the deletion cascade (a used one stays until TTL).
        item.insert("gsi2pk".into(), s(keys::user_oauth_codes(&code.user_id)));
        item.insert("gsi2sk".into(), s(hash));
        self.transaction()
            .check(
                Grant::UserStands,
                user_guard(table, &code.user_id, session_issued_ms)?,
            )
            .put_if(Grant::CodeFree, put_new(table, item)?)
            .commit()
            .await?;
        Ok(())
    }

    /// A code by its hash (strongly consistent, so a code issued a moment
    /// ago is found).
    pub async fn get_auth_code(&self, hash: &str) -> Result<Option<AuthCode>, StoreError> {
        self.get_record(key(keys::oauth_code(hash), keys::OAUTH_CODE_SK))
            .await
    }

    /// Redeems a code: marks it used (the condition is the proof that this
    /// caller is the only one), checks the user, and creates the refresh
    /// family, all in one transaction.
    pub async fn redeem_auth_code(
        &self,
        hash: &str,
        code: &AuthCode,
        family: &RefreshFamily,
    ) -> Result<(), GrantWriteError> {
        let table = self.table();
        let mark_used = Update::builder()
            .table_name(table)
            .set_key(Some(key(keys::oauth_code(hash), keys::OAUTH_CODE_SK)))
            .update_expression("SET used_at = :now")
            .condition_expression("attribute_exists(pk) AND attribute_not_exists(used_at)")
            .expression_attribute_values(":now", n(domain::time::now_ms()))
            .build()
            .map_err(StoreError::from)?;
        let mut item = to_item(family)?;
        item.extend(key(
            keys::oauth_family(&family.family_id),
            keys::OAUTH_FAMILY_SK,
        ));
        let mut tx = self
            .transaction()
            .update_if(Grant::CodeUnused, mark_used)
            .check(
                Grant::UserStands,
                user_guard(table, &code.user_id, code.issued_at)?,
            )
            .put_if(Grant::FamilyNew, put_new(table, item)?);
        let app_grant = crate::consents::app_grant_item(
            &family.user_id,
            &family.client_id,
            &family.family_id,
            family.expires_at,
        );
        tx = tx.put(
            Put::builder()
                .table_name(table)
                .set_item(Some(app_grant))
                .build()
                .map_err(StoreError::from)?,
        );
        if let Some(session) = &family.session {
            // The session that granted the code must still be live: a code
            // issued just before a logout must not outlive it.
            let live = ConditionCheck::builder()
                .table_name(table)
                .set_key(Some(key(keys::token(session), keys::TOKEN_SK)))
                .condition_expression("attribute_exists(pk)")
                .build()
                .map_err(StoreError::from)?;
            let mut grant = key(
                keys::session_grants(session),
                &keys::session_grant(&family.family_id),
            );
            grant.insert("family_id".into(), s(family.family_id.as_str()));
            grant.insert("expires_at".into(), n(family.expires_at));
            let grant = Put::builder()
                .table_name(table)
                .set_item(Some(grant))
                .build()
                .map_err(StoreError::from)?;
            tx = tx.check(Grant::SessionLive, live).put(grant);
        }
        tx.commit().await?;
        Ok(())
    }

    // ---- refresh families --------------------------------------------------

    pub async fn get_refresh_family(
        &self,
        family_id: &str,
    ) -> Result<Option<RefreshFamily>, StoreError> {
        self.get_record(key(keys::oauth_family(family_id), keys::OAUTH_FAMILY_SK))
            .await
    }

    /// Rotates the family's refresh token from `rotation.replaced_hash` to
    /// `new_hash` (keeping `rotation` for the reuse grace), if the
    /// presented one is still current, the family is not
    /// revoked and the user has not voided it.
    pub async fn rotate_refresh(
        &self,
        family: &RefreshFamily,
        new_hash: &str,
        rotation: &Rotation,
    ) -> Result<(), GrantWriteError> {
        let table = self.table();
        let update = Update::builder()
            .table_name(table)
            .set_key(Some(key(
                keys::oauth_family(&family.family_id),
                keys::OAUTH_FAMILY_SK,
            )))
            .update_expression("SET current_hash = :new, last_rotation = :rot ADD rotations :one")
            .condition_expression("attribute_exists(pk) AND current_hash = :old AND revoked = :no")
            .expression_attribute_values(":new", s(new_hash))
            .expression_attribute_values(":rot", AttributeValue::M(to_item(rotation)?))
            .expression_attribute_values(":old", s(rotation.replaced_hash.as_str()))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":no", AttributeValue::Bool(false))
            .build()
            .map_err(StoreError::from)?;
        self.transaction()
            .check(
                Grant::UserStands,
                user_guard(table, &family.user_id, family.issued_at)?,
            )
            .update_if(Grant::TokenCurrent, update)
            .commit()
            .await?;
        Ok(())
    }

    /// The family's user, if they still stand for it (exist, not banned,
    /// have not voided tokens since the grant): what a rotation's
    /// condition checks, for an answer that writes nothing.
    pub async fn refresh_family_holder(
        &self,
        family: &RefreshFamily,
    ) -> Result<Option<domain::User>, StoreError> {
        Ok(self
            .get_user(&family.user_id)
            .await?
            .filter(|u| !u.banned && family.issued_at >= u.tokens_valid_after))
    }

    /// The refresh families a cookie session granted (logout ends the
    /// session and what it issued: their access tokens die with them, as
    /// the bearer check reads the family). The key is the session's hash,
    /// known from the cookie, so this runs beside the session's own check.
    pub async fn session_grants(&self, session_hash: &str) -> Result<Vec<String>, StoreError> {
        #[derive(serde::Deserialize)]
        struct Grant {
            family_id: String,
        }
        let grants: Vec<Grant> = self
            .partition_records(keys::session_grants(session_hash))
            .await?;
        Ok(grants.into_iter().map(|g| g.family_id).collect())
    }

    /// Revokes the given families concurrently (a session's grants).
    pub async fn revoke_refresh_families(&self, families: &[String]) -> Result<(), StoreError> {
        let revoked =
            futures::future::join_all(families.iter().map(|f| self.revoke_refresh_family(f))).await;
        for r in revoked {
            r?;
        }
        Ok(())
    }

    /// Revokes a family for good (reuse detected, `/oauth/revoke`, logout).
    /// Returns false when there is no such family.
    pub async fn revoke_refresh_family(&self, family_id: &str) -> Result<bool, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(
                keys::oauth_family(family_id),
                keys::OAUTH_FAMILY_SK,
            )))
            .update_expression("SET revoked = :yes")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(is_condition_failure) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}
