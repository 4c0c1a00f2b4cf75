//! Blocks (`USER#<blocker>` / `BLOCKS#<blocked>`). Blocking removes the
//! follow entries in both directions in the same transaction, conditioned
//! on them being as read (absent ones must stay absent), so a follow racing
//! the block either lands first and is removed, or is refused by the
//! follow's own check of the block items.

use super::error::other_user;
use super::follows::{remove_entry, Deltas};
use super::{keys, lost_race, retrying, FollowPointer, SocialStore};
use aws_sdk_dynamodb::types::{ConditionCheck, Put};
use domain::{Error, User, UserId};
use table::contention::Step;
use table::item::{s, Item};
use table::StoreError;

/// What a block decides on.
pub struct BlockSnapshot {
    pub target: Option<User>,
    pub mine: Option<FollowPointer>,
    pub theirs: Option<FollowPointer>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum BlockTag {
    /// An entry between the two changed since it was read.
    Changed,
}

impl<'a> SocialStore<'a> {
    pub async fn block_snapshot(
        &self,
        me: &UserId,
        target: &UserId,
    ) -> Result<BlockSnapshot, Error> {
        let (user, mine, theirs) = tokio::join!(
            self.user(target),
            self.get::<FollowPointer>(keys::follow_entry(me, target)),
            self.get::<FollowPointer>(keys::follow_entry(target, me)),
        );
        Ok(BlockSnapshot {
            target: user?,
            mine: mine?,
            theirs: theirs?,
        })
    }

    /// `me` blocks `target` (again: nothing changes).
    pub async fn block(
        &self,
        me: &UserId,
        target: &UserId,
        first: BlockSnapshot,
    ) -> Result<(), Error> {
        other_user(me, target, first.target.is_some())?;
        retrying(
            "block",
            first,
            || self.block_snapshot(me, target),
            |snap| self.try_block(me, target, snap),
        )
        .await
    }

    async fn try_block(
        &self,
        me: &UserId,
        target: &UserId,
        snap: BlockSnapshot,
    ) -> Result<Step<()>, Error> {
        let table = self.name();
        let mut item: Item = keys::block(me, target);
        item.insert("blocker".into(), s(me.as_str()));
        item.insert("blocked".into(), s(target.as_str()));
        item.insert("created_at".into(), s(domain::time::now().to_rfc3339()));
        item.insert("gsi2pk".into(), s(keys::blocked_by(target)));
        item.insert("gsi2sk".into(), s(me.as_str()));
        let mut tx = self.table.transaction().put(
            Put::builder()
                .table_name(table)
                .set_item(Some(item))
                .build()
                .map_err(StoreError::from)?,
        );
        let mut deltas = Deltas::default();
        for (entry, key) in [
            (&snap.mine, keys::follow_entry(me, target)),
            (&snap.theirs, keys::follow_entry(target, me)),
        ] {
            tx = match entry {
                Some(e) => remove_entry(tx, BlockTag::Changed, table, e, &mut deltas)?,
                None => tx.check(
                    BlockTag::Changed,
                    ConditionCheck::builder()
                        .table_name(table)
                        .set_key(Some(key))
                        .condition_expression("attribute_not_exists(pk)")
                        .build()
                        .map_err(StoreError::from)?,
                ),
            };
        }
        for update in deltas.updates(table)? {
            tx = tx.update(update);
        }
        match tx.commit().await {
            Ok(()) => Ok(Step::Done(())),
            Err(e) => lost_race(e),
        }
    }

    /// Lifts the block (only the block: no entry comes back).
    pub async fn unblock(&self, me: &UserId, target: &UserId) -> Result<(), Error> {
        self.table
            .client()
            .delete_item()
            .table_name(self.name())
            .set_key(Some(keys::block(me, target)))
            .send()
            .await
            .map_err(StoreError::from)?;
        Ok(())
    }
}
