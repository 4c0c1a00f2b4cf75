//! Authorizations of linked accounts: the account sentinel carries the
//! cooldown's clock, the member and the network the month's activity.

use super::network::active_attr;
use super::shards::{shard_of, shard_update};
use super::{iso, keys, lost_race, month_of, retrying, NetworksStore};
use super::{AccountRecord, LinkError, NetworkRecord};
use aws_sdk_dynamodb::types::Update;
use chrono::{DateTime, Utc};
use table::contention::Step;
use table::item::{n, s};
use table::StoreError;

/// Reads an authorization decides on.
pub struct AuthorizationSnapshot {
    /// The record alone: an authorization reads none of the shards.
    pub network: Option<NetworkRecord>,
    pub account: Option<AccountRecord>,
}

/// A recorded authorization.
#[derive(Debug, Clone)]
pub struct Authorization {
    pub user_seq: u64,
    pub at: DateTime<Utc>,
}

/// Every condition of an authorization is on what was read (the clock, the
/// member's account, the network not deleted; enabled is decided on the
/// read): a failure is a lost race, and the re-read meets the cooldown or
/// the network gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AuthorizeTag {
    Clock,
    Member,
    Shard,
}

/// Seconds until the network's cooldown since `account`'s last
/// authorization ends, if it has not yet.
fn cooldown_left(
    network: &NetworkRecord,
    account: &AccountRecord,
    now: DateTime<Utc>,
) -> Option<u64> {
    let last = account.last_authorized_at?;
    let until = last + (network.cooldown_time as i64).saturating_mul(1000);
    let now_ms = now.timestamp_millis();
    (now_ms < until).then(|| ((until - now_ms) as u64).div_ceil(1000).max(1))
}

/// Restarts the account's clock, if it is still as read.
fn clock_update(
    table: &str,
    (network, value): (u64, &str),
    account: &AccountRecord,
    now: DateTime<Utc>,
) -> Result<Update, StoreError> {
    let clock = Update::builder()
        .table_name(table)
        .set_key(Some(keys::account_key(network, value)))
        .update_expression("SET last_authorized_at = :at, last_auth_month = :m")
        .expression_attribute_values(":at", n(now.timestamp_millis()))
        .expression_attribute_values(":m", s(month_of(now)))
        .expression_attribute_values(":seq", n(account.user_seq));
    let clock = match account.last_authorized_at {
        Some(prev) => clock
            .condition_expression("user_seq = :seq AND last_authorized_at = :prev")
            .expression_attribute_values(":prev", n(prev)),
        None => clock
            .condition_expression("user_seq = :seq AND attribute_not_exists(last_authorized_at)"),
    };
    Ok(clock.build()?)
}

fn member_update(
    table: &str,
    (network, value): (u64, &str),
    account: &AccountRecord,
    month: &str,
) -> Result<Update, StoreError> {
    Ok(Update::builder()
        .table_name(table)
        .set_key(Some(keys::member_key(network, account.user_seq)))
        .update_expression("SET last_auth_month = :m")
        .condition_expression("#value = :value")
        .expression_attribute_names("#value", "value")
        .expression_attribute_values(":value", s(value))
        .expression_attribute_values(":m", s(month))
        .build()?)
}

/// The last authorization, and one more active user when this is the
/// account's first authorization this month, on the user's shard (never
/// the network item, which every sign-in through the network would write).
fn activity_update(
    table: &str,
    network: u64,
    account: &AccountRecord,
    now: DateTime<Utc>,
) -> Result<Update, StoreError> {
    let month = month_of(now);
    let counters = shard_update(table, network, shard_of(account.user_seq))
        .condition_expression("attribute_not_exists(deleted)")
        .expression_attribute_names("#owner", "owner")
        .expression_attribute_values(":now", s(iso(now)));
    let counters = if account.last_auth_month.as_deref() != Some(month.as_str()) {
        counters
            .update_expression("SET #owner = :owner, last_authorization = :now ADD #active :one")
            .expression_attribute_names("#active", active_attr(&month))
            .expression_attribute_values(":one", n(1))
    } else {
        counters.update_expression("SET #owner = :owner, last_authorization = :now")
    };
    Ok(counters.build()?)
}

impl NetworksStore<'_> {
    pub async fn authorization_snapshot(
        &self,
        network: u64,
        value: &str,
    ) -> Result<AuthorizationSnapshot, StoreError> {
        let (net, account) = tokio::join!(
            self.get_network_record(network),
            self.table.get_record(keys::account_key(network, value))
        );
        Ok(AuthorizationSnapshot {
            network: net?,
            account: account?,
        })
    }

    /// Records an authorization of the linked account `value`: refused on a
    /// disabled network and within the cooldown since the last one. The
    /// condition on the clock read is the proof that one of two racing
    /// authorizations won; the other re-reads and meets the cooldown.
    pub async fn record_authorization(
        &self,
        network_id: u64,
        value: &str,
        snapshot: AuthorizationSnapshot,
    ) -> Result<Authorization, LinkError> {
        retrying(
            "record authorization",
            snapshot,
            || async move { Ok(self.authorization_snapshot(network_id, value).await?) },
            |snapshot| async move {
                let network = snapshot.network.ok_or(LinkError::NetworkNotFound)?;
                if !network.enabled {
                    return Err(LinkError::Disabled);
                }
                let account = snapshot.account.ok_or(LinkError::NotLinked)?;
                let at = domain::time::now();
                if let Some(retry_after_secs) = cooldown_left(&network, &account, at) {
                    return Err(LinkError::Cooldown { retry_after_secs });
                }
                self.try_authorize(network_id, value, &account, at).await
            },
        )
        .await
    }

    async fn try_authorize(
        &self,
        network: u64,
        value: &str,
        account: &AccountRecord,
        now: DateTime<Utc>,
    ) -> Result<Step<Authorization>, LinkError> {
        let table = self.name();
        let month = month_of(now);
        let result = self
            .table
            .transaction()
            .update_if(
                AuthorizeTag::Clock,
                clock_update(table, (network, value), account, now)?,
            )
            .update_if(
                AuthorizeTag::Member,
                member_update(table, (network, value), account, &month)?,
            )
            .update_if(
                AuthorizeTag::Shard,
                activity_update(table, network, account, now)?,
            )
            .commit()
            .await;
        match result {
            Ok(()) => Ok(Step::Done(Authorization {
                user_seq: account.user_seq,
                at: now,
            })),
            Err(e) => lost_race(e),
        }
    }
}
