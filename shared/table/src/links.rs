//! Users linked to social networks. A link is three items written in one
//! transaction with the network's counters:
//! - the account sentinel `NETACCOUNT#<network>#<value>`: one network
//!   account links to at most one user; an authorization looks it up and
//!   it carries the cooldown's clock;
//! - the member item `NETWORK#<id>` / `MEMBER#<seq>`: one link per user and
//!   network; holds the user's position in the users list;
//! - the slot `NETWORK#<id>` / `SLOT#<pos>`: what the users list shows,
//!   positions dense from 1 to `users_count` (an unlink moves the last slot
//!   into the hole), so a page is one range Query.
//!
//! Every write is conditioned on the counter value it read (`users_count =
//! :n`): the transaction that changes it first wins, the others re-read and
//! retry (`contention`), so the counters stay exact under concurrency.

use super::contention::{backoff, exhausted, failed, Step, ATTEMPTS};
use super::error::cancellation_codes;
use super::item::{from_item, key, n, s, to_item, Item};
use super::networks::{active_attr, month_of, registered_attr, Network};
use super::{keys, Store, StoreError};
use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, Put, TransactWriteItem, Update,
};
use chrono::{DateTime, SecondsFormat, Utc};
use domain::UserId;
use serde::{Deserialize, Serialize};

/// A network account as the caller describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkAccount {
    /// The account's id at the network.
    pub value: String,
    pub login: String,
    pub name: String,
    pub url: String,
}

/// One row of a network's users list.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SlotRecord {
    pub position: u64,
    pub user_seq: u64,
    pub user_id: UserId,
    pub value: String,
    pub login: String,
    pub name: String,
    pub url: String,
    pub linked_at: DateTime<Utc>,
}

/// The user's link to the network (member item).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MemberRecord {
    pub user_seq: u64,
    pub user_id: UserId,
    pub value: String,
    pub position: u64,
    pub linked_at: DateTime<Utc>,
    /// `YYYYMM` of the last authorization (copy of the sentinel's, so an
    /// unlink knows whether the user counts as active this month).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_auth_month: Option<String>,
}

/// The account sentinel.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountRecord {
    pub network_id: u64,
    pub user_seq: u64,
    /// Milliseconds of the last authorization: the cooldown's clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_authorized_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_auth_month: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("no such network")]
    NetworkNotFound,
    #[error("the network is disabled")]
    Disabled,
    #[error("the network does not allow registration")]
    RegistrationClosed,
    #[error("no such user")]
    UserNotFound,
    #[error("the network account is linked to a user already")]
    AccountTaken,
    #[error("the user has linked an account of this network already")]
    AlreadyLinked,
    #[error("the network account is not linked")]
    NotLinked,
    /// A second authorization within the network's cooldown.
    #[error("cooldown: retry after {retry_after_secs} s")]
    Cooldown { retry_after_secs: u64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads a link decides on.
pub struct LinkSnapshot {
    pub network: Option<Network>,
    pub user: Option<UserId>,
}

/// Reads an unlink decides on.
pub struct UnlinkSnapshot {
    pub network: Option<Network>,
    pub member: Option<MemberRecord>,
    pub last: Option<SlotRecord>,
}

/// Reads an authorization decides on.
pub struct AuthorizationSnapshot {
    pub network: Option<Network>,
    pub account: Option<AccountRecord>,
}

/// A recorded authorization.
#[derive(Debug, Clone)]
pub struct Authorization {
    pub user_seq: u64,
    pub at: DateTime<Utc>,
}

fn iso(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn tx_put(table: &str, item: Item, condition: &str) -> Result<TransactWriteItem, StoreError> {
    Ok(TransactWriteItem::builder()
        .put(
            Put::builder()
                .table_name(table)
                .set_item(Some(item))
                .condition_expression(condition)
                .build()?,
        )
        .build())
}

fn with_key<T: Serialize>(record: &T, pk: String, sk: &str) -> Result<Item, StoreError> {
    let mut item = to_item(record)?;
    item.extend(key(pk, sk));
    Ok(item)
}

fn t() -> AttributeValue {
    AttributeValue::Bool(true)
}

impl Store {
    pub async fn link_snapshot(
        &self,
        network: u64,
        user_seq: u64,
    ) -> Result<LinkSnapshot, StoreError> {
        let (network, user) =
            tokio::join!(self.get_network(network), self.user_id_by_seq(user_seq));
        Ok(LinkSnapshot {
            network: network?,
            user: user?,
        })
    }

    /// Links `account` to user `user_seq`. With `registration`, this is a
    /// sign-up through the network: refused where the network does not allow
    /// it, counted in the month's registrations, and the first authorization.
    pub async fn link_account(
        &self,
        network_id: u64,
        user_seq: u64,
        account: &NetworkAccount,
        registration: bool,
        mut snapshot: LinkSnapshot,
    ) -> Result<SlotRecord, LinkError> {
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                backoff(attempt).await;
                snapshot = self.link_snapshot(network_id, user_seq).await?;
            }
            let network = snapshot
                .network
                .as_ref()
                .ok_or(LinkError::NetworkNotFound)?;
            let user = snapshot.user.as_ref().ok_or(LinkError::UserNotFound)?;
            if !network.record.enabled {
                return Err(LinkError::Disabled);
            }
            if registration && !network.record.allow_to_register {
                return Err(LinkError::RegistrationClosed);
            }
            if let Step::Done(result) = self
                .try_link(&network.record, user_seq, user, account, registration)
                .await?
            {
                return result;
            }
        }
        Err(exhausted("link account").into())
    }

    async fn try_link(
        &self,
        network: &super::NetworkRecord,
        user_seq: u64,
        user: &UserId,
        account: &NetworkAccount,
        registration: bool,
    ) -> Result<Step<Result<SlotRecord, LinkError>>, StoreError> {
        let table = self.table();
        let now = domain::time::now();
        let month = month_of(now);
        let count = network.users_count;
        let slot = SlotRecord {
            position: count + 1,
            user_seq,
            user_id: user.clone(),
            value: account.value.clone(),
            login: account.login.clone(),
            name: account.name.clone(),
            url: account.url.clone(),
            linked_at: now,
        };
        let authorized = registration.then(|| month.clone());
        let member = MemberRecord {
            user_seq,
            user_id: user.clone(),
            value: account.value.clone(),
            position: slot.position,
            linked_at: now,
            last_auth_month: authorized.clone(),
        };
        let sentinel = AccountRecord {
            network_id: network.id,
            user_seq,
            last_authorized_at: registration.then(|| now.timestamp_millis()),
            last_auth_month: authorized,
        };
        let mut counters = Update::builder()
            .table_name(table)
            .set_key(Some(key(keys::network(network.id), keys::NETWORK_SK)))
            .expression_attribute_values(":t", t())
            .expression_attribute_values(":n", n(count))
            .expression_attribute_values(":n1", n(count + 1));
        counters = if registration {
            counters
                .update_expression(
                    "SET users_count = :n1, last_authorization = :now ADD #reg :one, #active :one",
                )
                .condition_expression(
                    "enabled = :t AND users_count = :n AND allow_to_register = :t",
                )
                .expression_attribute_names("#reg", registered_attr(&month))
                .expression_attribute_names("#active", active_attr(&month))
                .expression_attribute_values(":now", s(iso(now)))
                .expression_attribute_values(":one", n(1))
        } else {
            counters
                .update_expression("SET users_count = :n1")
                .condition_expression("enabled = :t AND users_count = :n")
        };
        let user_exists = ConditionCheck::builder()
            .table_name(table)
            .set_key(Some(key(keys::user(user), keys::USER_SK)))
            .condition_expression("attribute_exists(pk)")
            .build()?;
        let result = self
            .client
            .transact_write_items()
            .transact_items(
                TransactWriteItem::builder()
                    .update(counters.build()?)
                    .build(),
            )
            .transact_items(tx_put(
                table,
                with_key(
                    &sentinel,
                    keys::network_account(network.id, &account.value),
                    keys::SENTINEL_SK,
                )?,
                "attribute_not_exists(pk)",
            )?)
            .transact_items(tx_put(
                table,
                with_key(
                    &member,
                    keys::network(network.id),
                    &keys::network_member(user_seq),
                )?,
                "attribute_not_exists(pk)",
            )?)
            .transact_items(tx_put(
                table,
                with_key(
                    &slot,
                    keys::network(network.id),
                    &keys::network_slot(slot.position),
                )?,
                "attribute_not_exists(pk)",
            )?)
            .transact_items(
                TransactWriteItem::builder()
                    .condition_check(user_exists)
                    .build(),
            )
            .send()
            .await;
        match result {
            Ok(_) => Ok(Step::Done(Ok(slot))),
            Err(err) => match cancellation_codes(&err) {
                Some(codes) if failed(&codes, 1) => Ok(Step::Done(Err(LinkError::AccountTaken))),
                Some(codes) if failed(&codes, 2) => Ok(Step::Done(Err(LinkError::AlreadyLinked))),
                Some(codes) if failed(&codes, 4) => Ok(Step::Done(Err(LinkError::UserNotFound))),
                // The counter or the slot moved on, or the network changed:
                // read again (a disabled or deleted network shows there).
                Some(_) => Ok(Step::Retry),
                None => Err(err.into()),
            },
        }
    }

    /// The link of user `user_seq` in the network, if any.
    async fn member(
        &self,
        network: u64,
        user_seq: u64,
    ) -> Result<Option<MemberRecord>, StoreError> {
        self.get_record(key(keys::network(network), &keys::network_member(user_seq)))
            .await
    }

    /// The slot at the highest position.
    async fn last_slot(&self, network: u64) -> Result<Option<SlotRecord>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(self.table())
            .key_condition_expression("pk = :p AND begins_with(sk, :slot)")
            .expression_attribute_values(":p", s(keys::network(network)))
            .expression_attribute_values(":slot", s("SLOT#"))
            .scan_index_forward(false)
            .limit(1)
            .consistent_read(true)
            .send()
            .await?;
        out.items
            .unwrap_or_default()
            .into_iter()
            .next()
            .map(from_item)
            .transpose()
    }

    /// The users list at positions `first..=last` (one range Query).
    pub async fn network_slots(
        &self,
        network: u64,
        first: u64,
        last: u64,
    ) -> Result<Vec<SlotRecord>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(self.table())
            .key_condition_expression("pk = :p AND sk BETWEEN :a AND :b")
            .expression_attribute_values(":p", s(keys::network(network)))
            .expression_attribute_values(":a", s(keys::network_slot(first)))
            .expression_attribute_values(":b", s(keys::network_slot(last)))
            .consistent_read(true)
            .send()
            .await?;
        out.items
            .unwrap_or_default()
            .into_iter()
            .map(from_item)
            .collect()
    }

    pub async fn unlink_snapshot(
        &self,
        network: u64,
        user_seq: u64,
    ) -> Result<UnlinkSnapshot, StoreError> {
        let (net, member, last) = tokio::join!(
            self.get_network(network),
            self.member(network, user_seq),
            self.last_slot(network)
        );
        Ok(UnlinkSnapshot {
            network: net?,
            member: member?,
            last: last?,
        })
    }

    /// Removes user `user_seq`'s link. Allowed on a disabled network (users
    /// may always take their data back).
    pub async fn unlink_account(
        &self,
        network_id: u64,
        user_seq: u64,
        mut snapshot: UnlinkSnapshot,
    ) -> Result<MemberRecord, LinkError> {
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                backoff(attempt).await;
                snapshot = self.unlink_snapshot(network_id, user_seq).await?;
            }
            let network = snapshot
                .network
                .as_ref()
                .ok_or(LinkError::NetworkNotFound)?;
            let member = snapshot.member.as_ref().ok_or(LinkError::NotLinked)?;
            if let Step::Done(()) = self
                .try_unlink(&network.record, member, snapshot.last.as_ref())
                .await?
            {
                return Ok(member.clone());
            }
        }
        Err(exhausted("unlink account").into())
    }

    async fn try_unlink(
        &self,
        network: &super::NetworkRecord,
        member: &MemberRecord,
        last: Option<&SlotRecord>,
    ) -> Result<Step<()>, StoreError> {
        let table = self.table();
        let pk = keys::network(network.id);
        let (k, count) = (member.position, network.users_count);
        // The reads may straddle another writer's commit; retry until they agree.
        let Some(last) = last.filter(|l| l.position == count && count >= k) else {
            return Ok(Step::Retry);
        };
        let month = month_of(domain::time::now());
        let was_active = member.last_auth_month.as_deref() == Some(month.as_str());
        let mut drop_member = Delete::builder()
            .table_name(table)
            .set_key(Some(key(
                pk.clone(),
                &keys::network_member(member.user_seq),
            )))
            .expression_attribute_names("#pos", "position")
            .expression_attribute_values(":k", n(k));
        drop_member = match &member.last_auth_month {
            Some(seen) => drop_member
                .condition_expression("#pos = :k AND last_auth_month = :seen")
                .expression_attribute_values(":seen", s(seen)),
            None => drop_member
                .condition_expression("#pos = :k AND attribute_not_exists(last_auth_month)"),
        };
        let drop_account = Delete::builder()
            .table_name(table)
            .set_key(Some(key(
                keys::network_account(network.id, &member.value),
                keys::SENTINEL_SK,
            )))
            .condition_expression("user_seq = :seq")
            .expression_attribute_values(":seq", n(member.user_seq))
            .build()?;
        let mut counters = Update::builder()
            .table_name(table)
            .set_key(Some(key(pk.clone(), keys::NETWORK_SK)))
            .condition_expression("users_count = :n")
            .expression_attribute_values(":n", n(count))
            .expression_attribute_values(":n1", n(count - 1));
        counters = if was_active {
            counters
                .update_expression("SET users_count = :n1 ADD #active :minus")
                .expression_attribute_names("#active", active_attr(&month))
                .expression_attribute_values(":minus", n(-1))
        } else {
            counters.update_expression("SET users_count = :n1")
        };
        let mut req = self
            .client
            .transact_write_items()
            .transact_items(
                TransactWriteItem::builder()
                    .delete(drop_member.build()?)
                    .build(),
            )
            .transact_items(TransactWriteItem::builder().delete(drop_account).build())
            .transact_items(
                TransactWriteItem::builder()
                    .update(counters.build()?)
                    .build(),
            );
        let owned_by = |seq: u64| {
            (
                "user_seq = :owner".to_owned(),
                (":owner".to_owned(), n(seq)),
            )
        };
        if k == count {
            let (cond, (name, value)) = owned_by(member.user_seq);
            let drop_slot = Delete::builder()
                .table_name(table)
                .set_key(Some(key(pk.clone(), &keys::network_slot(k))))
                .condition_expression(cond)
                .expression_attribute_values(name, value)
                .build()?;
            req = req.transact_items(TransactWriteItem::builder().delete(drop_slot).build());
        } else {
            // The last slot moves into the freed position, its member follows.
            let moved = SlotRecord {
                position: k,
                ..last.clone()
            };
            let (cond, (name, value)) = owned_by(member.user_seq);
            let fill = Put::builder()
                .table_name(table)
                .set_item(Some(with_key(&moved, pk.clone(), &keys::network_slot(k))?))
                .condition_expression(cond)
                .expression_attribute_values(name, value)
                .build()?;
            let (cond, (name, value)) = owned_by(last.user_seq);
            let drop_last = Delete::builder()
                .table_name(table)
                .set_key(Some(key(pk.clone(), &keys::network_slot(count))))
                .condition_expression(cond)
                .expression_attribute_values(name, value)
                .build()?;
            let follow = Update::builder()
                .table_name(table)
                .set_key(Some(key(pk.clone(), &keys::network_member(last.user_seq))))
                .update_expression("SET #pos = :k")
                .condition_expression("#pos = :n")
                .expression_attribute_names("#pos", "position")
                .expression_attribute_values(":k", n(k))
                .expression_attribute_values(":n", n(count))
                .build()?;
            req = req
                .transact_items(TransactWriteItem::builder().put(fill).build())
                .transact_items(TransactWriteItem::builder().delete(drop_last).build())
                .transact_items(TransactWriteItem::builder().update(follow).build());
        }
        match req.send().await {
            Ok(_) => Ok(Step::Done(())),
            Err(err) if cancellation_codes(&err).is_some() => Ok(Step::Retry),
            Err(err) => Err(err.into()),
        }
    }

    pub async fn authorization_snapshot(
        &self,
        network: u64,
        value: &str,
    ) -> Result<AuthorizationSnapshot, StoreError> {
        let account = async {
            let out = self
                .client
                .get_item()
                .table_name(self.table())
                .set_key(Some(key(
                    keys::network_account(network, value),
                    keys::SENTINEL_SK,
                )))
                .consistent_read(true)
                .send()
                .await?;
            out.item.map(from_item::<AccountRecord>).transpose()
        };
        let (net, account) = tokio::join!(self.get_network(network), account);
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
        mut snapshot: AuthorizationSnapshot,
    ) -> Result<Authorization, LinkError> {
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                backoff(attempt).await;
                snapshot = self.authorization_snapshot(network_id, value).await?;
            }
            let network = snapshot
                .network
                .as_ref()
                .ok_or(LinkError::NetworkNotFound)?;
            if !network.record.enabled {
                return Err(LinkError::Disabled);
            }
            let account = snapshot.account.as_ref().ok_or(LinkError::NotLinked)?;
            let now = domain::time::now();
            if let Some(last) = account.last_authorized_at {
                let until = last + (network.record.cooldown_time as i64).saturating_mul(1000);
                let now_ms = now.timestamp_millis();
                if now_ms < until {
                    let wait_ms = (until - now_ms) as u64;
                    return Err(LinkError::Cooldown {
                        retry_after_secs: wait_ms.div_ceil(1000).max(1),
                    });
                }
            }
            if let Step::Done(()) = self
                .try_authorize(&network.record, value, account, now)
                .await?
            {
                return Ok(Authorization {
                    user_seq: account.user_seq,
                    at: now,
                });
            }
        }
        Err(exhausted("record authorization").into())
    }

    async fn try_authorize(
        &self,
        network: &super::NetworkRecord,
        value: &str,
        account: &AccountRecord,
        now: DateTime<Utc>,
    ) -> Result<Step<()>, StoreError> {
        let table = self.table();
        let month = month_of(now);
        let first_this_month = account.last_auth_month.as_deref() != Some(month.as_str());
        let mut clock = Update::builder()
            .table_name(table)
            .set_key(Some(key(
                keys::network_account(network.id, value),
                keys::SENTINEL_SK,
            )))
            .update_expression("SET last_authorized_at = :at, last_auth_month = :m")
            .expression_attribute_values(":at", n(now.timestamp_millis()))
            .expression_attribute_values(":m", s(&month))
            .expression_attribute_values(":seq", n(account.user_seq));
        clock = match account.last_authorized_at {
            Some(prev) => clock
                .condition_expression("user_seq = :seq AND last_authorized_at = :prev")
                .expression_attribute_values(":prev", n(prev)),
            None => clock.condition_expression(
                "user_seq = :seq AND attribute_not_exists(last_authorized_at)",
            ),
        };
        let member = Update::builder()
            .table_name(table)
            .set_key(Some(key(
                keys::network(network.id),
                &keys::network_member(account.user_seq),
            )))
            .update_expression("SET last_auth_month = :m")
            .condition_expression("#value = :value")
            .expression_attribute_names("#value", "value")
            .expression_attribute_values(":value", s(value))
            .expression_attribute_values(":m", s(&month))
            .build()?;
        let mut counters = Update::builder()
            .table_name(table)
            .set_key(Some(key(keys::network(network.id), keys::NETWORK_SK)))
            .condition_expression("enabled = :t")
            .expression_attribute_values(":t", t())
            .expression_attribute_values(":now", s(iso(now)));
        counters = if first_this_month {
            counters
                .update_expression("SET last_authorization = :now ADD #active :one")
                .expression_attribute_names("#active", active_attr(&month))
                .expression_attribute_values(":one", n(1))
        } else {
            counters.update_expression("SET last_authorization = :now")
        };
        let result = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().update(clock.build()?).build())
            .transact_items(TransactWriteItem::builder().update(member).build())
            .transact_items(
                TransactWriteItem::builder()
                    .update(counters.build()?)
                    .build(),
            )
            .send()
            .await;
        match result {
            Ok(_) => Ok(Step::Done(())),
            Err(err) if cancellation_codes(&err).is_some() => Ok(Step::Retry),
            Err(err) => Err(err.into()),
        }
    }
}
