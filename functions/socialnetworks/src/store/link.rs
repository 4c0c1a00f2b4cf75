//! Users linked to social networks. A link is three items written in one
//! transaction with the network's counters:
//! - the account sentinel `NETACCOUNT#<network>#<value>`: one network
//!   account links to at most one user; an authorization looks it up and
//!   it carries the cooldown's clock;
//! - the member item `NETWORK#<id>` / `MEMBER#<seq>`: one link per user and
//!   network; holds the user's position in the users list;
//! - the slot `NETWORK#<id>` / `SLOT#<pos>`: what the users list shows,
//!   positions dense from 1 to the user's shard's `users` (an unlink moves
//!   the shard's last slot into the hole; shards.rs), so a page is one
//!   range Query per shard.
//!
//! The write is conditioned on the shard's count as read (`users = :n`):
//! of two links in one shard the first wins, the other re-reads and retries
//! (`contention`), so counts stay exact; links in other shards never meet.
//! The network item is not written: that it is enabled (and open to
//! registration) is decided on the read, so a link racing an operator's
//! disable by milliseconds lands as if it came first; a delete cannot be
//! raced (it leaves tombstones on the shards, shards.rs).

use super::network::{active_attr, registered_attr};
use super::shards::{move_users, shard_of, Allocator};
use super::{iso, keys, lost_race, put_new, retrying, with_key, NetworksStore};
use super::{month_of, LinkError, Network};
use aws_sdk_dynamodb::types::{ConditionCheck, Put, Update};
use chrono::{DateTime, Utc};
use domain::audit::Event;
use domain::UserId;
use serde::{Deserialize, Serialize};
use table::contention::Step;
use table::item::{key, n, s};
use table::StoreError;

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
    /// In the slots of this shard; none: the network item's (shards.rs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<u32>,
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

/// Reads a link decides on.
pub struct LinkSnapshot {
    pub network: Option<Network>,
    pub user: Option<UserId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LinkTag {
    /// The user's shard changed since the read (its count, or the network
    /// was deleted): read again.
    Shard,
    /// The network account is linked to a user already.
    Account,
    /// The user has a link to this network already.
    Member,
    /// The next position is taken: another link won the race.
    Slot,
    /// No such user.
    User,
}

/// The three items of a new link.
struct LinkItems {
    slot: SlotRecord,
    member: MemberRecord,
    sentinel: AccountRecord,
}

/// The items linking `account` to `user` at the next position of the
/// user's shard; a registration is the account's first authorization.
fn link_items(
    network: &Network,
    (user_seq, user): (u64, &UserId),
    account: &NetworkAccount,
    registration: bool,
    now: DateTime<Utc>,
) -> LinkItems {
    let authorized = registration.then(|| month_of(now));
    let shard = shard_of(user_seq);
    let slot = SlotRecord {
        position: network.count_of(Allocator::Shard(shard)) + 1,
        user_seq,
        user_id: user.clone(),
        value: account.value.clone(),
        login: account.login.clone(),
        name: account.name.clone(),
        url: account.url.clone(),
        linked_at: now,
    };
    let member = MemberRecord {
        user_seq,
        user_id: user.clone(),
        value: account.value.clone(),
        shard: Some(shard),
        position: slot.position,
        linked_at: now,
        last_auth_month: authorized.clone(),
    };
    let sentinel = AccountRecord {
        network_id: network.record.id,
        user_seq,
        last_authorized_at: registration.then(|| now.timestamp_millis()),
        last_auth_month: authorized,
    };
    LinkItems {
        slot,
        member,
        sentinel,
    }
}

/// One more user in the user's shard, if its count is as read; a
/// registration also counts in the month's registrations and active users.
fn link_counters(
    table: &str,
    network: &Network,
    user_seq: u64,
    registration: bool,
    now: DateTime<Utc>,
) -> Result<Update, StoreError> {
    let shard = shard_of(user_seq);
    let count = network.count_of(Allocator::Shard(shard));
    let at = (network.record.id, shard);
    if !registration {
        return Ok(move_users(table, at, (count, count + 1), "", "").build()?);
    }
    let month = month_of(now);
    Ok(move_users(
        table,
        at,
        (count, count + 1),
        ", last_authorization = :now",
        "#reg :one, #active :one",
    )
    .expression_attribute_names("#reg", registered_attr(&month))
    .expression_attribute_names("#active", active_attr(&month))
    .expression_attribute_values(":now", s(iso(now)))
    .expression_attribute_values(":one", n(1))
    .build()?)
}

fn user_exists(table: &str, user: &UserId) -> Result<ConditionCheck, StoreError> {
    Ok(ConditionCheck::builder()
        .table_name(table)
        .set_key(Some(key(table::keys::user(user), table::keys::USER_SK)))
        .condition_expression("attribute_exists(pk)")
        .build()?)
}

impl NetworksStore<'_> {
    pub async fn link_snapshot(
        &self,
        network: u64,
        user_seq: u64,
    ) -> Result<LinkSnapshot, StoreError> {
        let (network, user) = tokio::join!(
            self.get_network(network),
            self.table.user_id_by_seq(user_seq)
        );
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
        snapshot: LinkSnapshot,
        event: &Event,
    ) -> Result<SlotRecord, LinkError> {
        retrying(
            "link account",
            snapshot,
            || async move { Ok(self.link_snapshot(network_id, user_seq).await?) },
            |snapshot| async move {
                let network = snapshot.network.ok_or(LinkError::NetworkNotFound)?;
                let user = snapshot.user.ok_or(LinkError::UserNotFound)?;
                if !network.record.enabled {
                    return Err(LinkError::Disabled);
                }
                if registration && !network.record.allow_to_register {
                    return Err(LinkError::RegistrationClosed);
                }
                let event = event.clone().with("network", network.record.key.as_str());
                let audit = self.table.audit_put(&user, &event)?;
                self.try_link(&network, (user_seq, &user), account, registration, audit)
                    .await
            },
        )
        .await
    }

    async fn try_link(
        &self,
        network: &Network,
        user: (u64, &UserId),
        account: &NetworkAccount,
        registration: bool,
        audit: Put,
    ) -> Result<Step<SlotRecord>, LinkError> {
        let table = self.name();
        let now = domain::time::now();
        let items = link_items(network, user, account, registration, now);
        let id = network.record.id;
        let sentinel = with_key(&items.sentinel, keys::account_key(id, &account.value))?;
        let member = with_key(&items.member, keys::member_key(id, user.0))?;
        let allocator = Allocator::for_user(user.0);
        let slot = with_key(&items.slot, allocator.slot_key(id, items.slot.position))?;
        let result = self
            .table
            .transaction()
            .update_if(
                LinkTag::Shard,
                link_counters(table, network, user.0, registration, now)?,
            )
            .put_if(LinkTag::Account, put_new(table, sentinel)?)
            .put_if(LinkTag::Member, put_new(table, member)?)
            .put_if(LinkTag::Slot, put_new(table, slot)?)
            .check(LinkTag::User, user_exists(table, user.1)?)
            .put(audit)
            .commit()
            .await;
        match result {
            Ok(()) => Ok(Step::Done(items.slot)),
            Err(e) if e.failed(LinkTag::Account) => Err(LinkError::AccountTaken),
            Err(e) if e.failed(LinkTag::Member) => Err(LinkError::AlreadyLinked),
            Err(e) if e.failed(LinkTag::User) => Err(LinkError::UserNotFound),
            Err(e) => lost_race(e),
        }
    }
}
