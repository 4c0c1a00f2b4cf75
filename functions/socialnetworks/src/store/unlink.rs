//! Unlinking a user from a network: the member, the account sentinel and
//! the user's slot go in one transaction with the counters, and the last
//! slot of the same allocator (the user's shard, or the network item's for
//! links from before the shards) moves into the freed position (its member
//! follows), so each allocator's positions stay dense from 1.

use super::network::active_attr;
use super::shards::{move_users, shard_of, shard_update, Allocator};
use super::{first, keys, lost_race, month_of, retrying, with_key, NetworksStore};
use super::{LinkError, MemberRecord, Network, SlotRecord};
use aws_sdk_dynamodb::types::{Delete, Put, Update};
use domain::audit::Event;
use table::contention::Step;
use table::item::{n, s};
use table::{StoreError, Transaction};

/// Reads an unlink decides on.
pub struct UnlinkSnapshot {
    pub network: Option<Network>,
    pub member: Option<MemberRecord>,
    /// The last slot of the network item's allocator and of the user's shard.
    pub last: (Option<SlotRecord>, Option<SlotRecord>),
}

/// Every condition of an unlink is on what was read (the member's position
/// and clock, the sentinel's owner, the count, the slots' owners, the moved
/// member's position): a failure is a lost race.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnlinkTag {
    Member,
    Account,
    Network,
    Slot,
    LastSlot,
    MovedMember,
}

fn drop_member(table: &str, network: u64, member: &MemberRecord) -> Result<Delete, StoreError> {
    let delete = Delete::builder()
        .table_name(table)
        .set_key(Some(keys::member_key(network, member.user_seq)))
        .expression_attribute_names("#pos", "position")
        .expression_attribute_values(":k", n(member.position));
    let delete = match &member.last_auth_month {
        Some(seen) => delete
            .condition_expression("#pos = :k AND last_auth_month = :seen")
            .expression_attribute_values(":seen", s(seen)),
        None => delete.condition_expression("#pos = :k AND attribute_not_exists(last_auth_month)"),
    };
    Ok(delete.build()?)
}

fn drop_account(table: &str, network: u64, member: &MemberRecord) -> Result<Delete, StoreError> {
    Ok(Delete::builder()
        .table_name(table)
        .set_key(Some(keys::account_key(network, &member.value)))
        .condition_expression("user_seq = :seq")
        .expression_attribute_values(":seq", n(member.user_seq))
        .build()?)
}

/// One user less in the member's allocator, if its count is as read, and
/// one active user less if they were active this month (counted on the
/// user's shard: any shard's change moves the sum).
fn unlink_counters(
    tx: Transaction<UnlinkTag>,
    table: &str,
    network: &Network,
    member: &MemberRecord,
) -> Result<Transaction<UnlinkTag>, StoreError> {
    let id = network.record.id;
    let month = month_of(domain::time::now());
    let was_active = member.last_auth_month.as_deref() == Some(month.as_str());
    let allocator = Allocator::of(member);
    let count = network.count_of(allocator);
    let less = |update: aws_sdk_dynamodb::types::builders::UpdateBuilder| {
        update
            .expression_attribute_names("#active", active_attr(&month))
            .expression_attribute_values(":minus", n(-1))
    };
    let shard = shard_of(member.user_seq);
    let tx = match allocator {
        Allocator::Shard(k) => {
            let add = if was_active { "#active :minus" } else { "" };
            let update = move_users(table, (id, k), (count, count - 1), "", add);
            let update = if was_active { less(update) } else { update };
            return Ok(tx.update_if(UnlinkTag::Network, update.build()?));
        }
        Allocator::Base => tx.update_if(
            UnlinkTag::Network,
            Update::builder()
                .table_name(table)
                .set_key(Some(keys::record_key(id)))
                .update_expression("SET users_count = :n1")
                .condition_expression("users_count = :n")
                .expression_attribute_values(":n", n(count))
                .expression_attribute_values(":n1", n(count - 1))
                .build()?,
        ),
    };
    if !was_active {
        return Ok(tx);
    }
    let active = shard_update(table, id, shard)
        .update_expression("SET #owner = :owner ADD #active :minus")
        .expression_attribute_names("#owner", "owner");
    Ok(tx.update(less(active).build()?))
}

/// Deletes the slot at `pos` of `allocator`, if user `owner` still holds it.
fn drop_slot(
    table: &str,
    (network, allocator): (u64, Allocator),
    pos: u64,
    owner: u64,
) -> Result<Delete, StoreError> {
    Ok(Delete::builder()
        .table_name(table)
        .set_key(Some(allocator.slot_key(network, pos)))
        .condition_expression("user_seq = :owner")
        .expression_attribute_values(":owner", n(owner))
        .build()?)
}

/// Moves the `last` slot of `allocator` into position `k`, held by user
/// `owner`, and points the moved member at it.
fn fill_hole(
    tx: Transaction<UnlinkTag>,
    table: &str,
    at: (u64, Allocator),
    (k, owner): (u64, u64),
    last: &SlotRecord,
) -> Result<Transaction<UnlinkTag>, StoreError> {
    let (network, allocator) = at;
    let moved = SlotRecord {
        position: k,
        ..last.clone()
    };
    let fill = Put::builder()
        .table_name(table)
        .set_item(Some(with_key(&moved, allocator.slot_key(network, k))?))
        .condition_expression("user_seq = :owner")
        .expression_attribute_values(":owner", n(owner))
        .build()?;
    let follow = Update::builder()
        .table_name(table)
        .set_key(Some(keys::member_key(network, last.user_seq)))
        .update_expression("SET #pos = :k")
        .condition_expression("#pos = :n")
        .expression_attribute_names("#pos", "position")
        .expression_attribute_values(":k", n(k))
        .expression_attribute_values(":n", n(last.position))
        .build()?;
    Ok(tx
        .put_if(UnlinkTag::Slot, fill)
        .delete_if(
            UnlinkTag::LastSlot,
            drop_slot(table, at, last.position, last.user_seq)?,
        )
        .update_if(UnlinkTag::MovedMember, follow))
}

impl NetworksStore<'_> {
    /// The link of user `user_seq` in the network, if any.
    pub async fn member(
        &self,
        network: u64,
        user_seq: u64,
    ) -> Result<Option<MemberRecord>, StoreError> {
        self.table
            .get_record(keys::member_key(network, user_seq))
            .await
    }

    /// The slot at the highest position of `allocator`.
    async fn last_slot(
        &self,
        network: u64,
        allocator: Allocator,
    ) -> Result<Option<SlotRecord>, StoreError> {
        let out = self
            .query()
            .key_condition_expression("pk = :p AND begins_with(sk, :slot)")
            .expression_attribute_values(":p", s(allocator.partition(network)))
            .expression_attribute_values(":slot", s(keys::SLOT_PREFIX))
            .scan_index_forward(false)
            .limit(1)
            .consistent_read(true)
            .send()
            .await?;
        first(out.items)
    }

    pub async fn unlink_snapshot(
        &self,
        network: u64,
        user_seq: u64,
    ) -> Result<UnlinkSnapshot, StoreError> {
        let (net, member, base, shard) = tokio::join!(
            self.get_network(network),
            self.member(network, user_seq),
            self.last_slot(network, Allocator::Base),
            self.last_slot(network, Allocator::for_user(user_seq))
        );
        Ok(UnlinkSnapshot {
            network: net?,
            member: member?,
            last: (base?, shard?),
        })
    }

    /// Removes user `user_seq`'s link. Allowed on a disabled network (users
    /// may always take their data back).
    pub async fn unlink_account(
        &self,
        network_id: u64,
        user_seq: u64,
        snapshot: UnlinkSnapshot,
        event: &Event,
    ) -> Result<MemberRecord, LinkError> {
        retrying(
            "unlink account",
            snapshot,
            || async move { Ok(self.unlink_snapshot(network_id, user_seq).await?) },
            |snapshot| async move {
                let network = snapshot.network.ok_or(LinkError::NetworkNotFound)?;
                let member = snapshot.member.ok_or(LinkError::NotLinked)?;
                let event = event.clone().with("network", network.record.key.as_str());
                let audit = self.table.audit_put(&member.user_id, &event)?;
                let last = match Allocator::of(&member) {
                    Allocator::Base => snapshot.last.0,
                    Allocator::Shard(_) => snapshot.last.1,
                };
                self.try_unlink(&network, &member, last.as_ref(), audit)
                    .await
            },
        )
        .await
    }

    async fn try_unlink(
        &self,
        network: &Network,
        member: &MemberRecord,
        last: Option<&SlotRecord>,
        audit: Put,
    ) -> Result<Step<MemberRecord>, LinkError> {
        let table = self.name();
        let id = network.record.id;
        let allocator = Allocator::of(member);
        let (k, count) = (member.position, network.count_of(allocator));
        // The reads may straddle another writer's commit; retry until they agree.
        let Some(last) = last.filter(|l| l.position == count && count >= k) else {
            return Ok(Step::Retry);
        };
        let tx = self
            .table
            .transaction()
            .delete_if(UnlinkTag::Member, drop_member(table, id, member)?)
            .delete_if(UnlinkTag::Account, drop_account(table, id, member)?)
            .put(audit);
        let tx = unlink_counters(tx, table, network, member)?;
        let at = (id, allocator);
        let tx = if k == count {
            tx.delete_if(UnlinkTag::Slot, drop_slot(table, at, k, member.user_seq)?)
        } else {
            fill_hole(tx, table, at, (k, member.user_seq), last)?
        };
        match tx.commit().await {
            Ok(()) => Ok(Step::Done(member.clone())),
            Err(e) => lost_race(e),
        }
    }
}
