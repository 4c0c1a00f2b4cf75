//! The Users API's part of an account deletion (`functions/lifecycle`):
//! follow entries both ways (every other account's counters move as an
//! unfollow moves them), blocks others placed on the account, invite codes
//! it owns or used, and its follower shards. Each step handles a batch and
//! says whether anything is left.

use super::follows::{remove_entry, Deltas};
use super::{keys, FollowPointer, SocialStore};
use domain::{Error, UserId};
use table::erasure::{key_of, Scope, BATCH};
use table::item::{from_item, Item};
use table::{StoreError, TxError};

impl SocialStore<'_> {
    /// Follow entries from and to `user`, a batch: `true` once none is left.
    pub async fn erase_follows_step(&self, user: &UserId) -> Result<bool, Error> {
        let scopes = [
            Scope::table(table::keys::user(user), table::keys::FOLLOWS_PREFIX),
            Scope::index(table::keys::GSI1, "gsi1pk", keys::followers_of(user)),
            Scope::index(table::keys::GSI1, "gsi1pk", keys::requests_of(user)),
        ];
        for scope in &scopes {
            let found = self.table.first_items(scope, BATCH).await?;
            if found.is_empty() {
                continue;
            }
            for item in found {
                self.remove_one(from_item::<FollowPointer>(item)?).await?;
            }
            return Ok(false);
        }
        Ok(true)
    }

    /// One entry out, counters with it. A lost race (the entry changed, or
    /// an index copy was stale) is left for the next batch to read again.
    async fn remove_one(&self, entry: FollowPointer) -> Result<(), Error> {
        let mut deltas = Deltas::default();
        let mut tx = remove_entry(
            self.table.transaction(),
            (),
            self.name(),
            &entry,
            &mut deltas,
        )?;
        for update in deltas.updates(self.name())? {
            tx = tx.update(update);
        }
        match tx.commit().await {
            Ok(()) | Err(TxError::Failed(_)) | Err(TxError::Store(StoreError::Unavailable(_))) => {
                Ok(())
            }
            Err(TxError::Store(e)) => Err(e.into()),
        }
    }

    /// Blocks other accounts placed on `user`, a batch.
    pub async fn erase_blocks_step(&self, user: &UserId) -> Result<bool, Error> {
        let scope = Scope::index(table::keys::GSI2, "gsi2pk", keys::blocked_by(user));
        let found = self.table.first_items(&scope, BATCH).await?;
        let done = found.is_empty();
        self.table
            .delete_keys(found.iter().map(key_of).collect())
            .await?;
        Ok(done)
    }

    /// The invite codes `user` owns (and their list) and the one it signed
    /// up with: few items, one step, before the partition sweep takes
    /// the list.
    pub async fn erase_invites(&self, user: &UserId) -> Result<(), Error> {
        let mut doomed: Vec<Item> = Vec::new();
        if let Some(codes) = self.invite_list(user).await? {
            doomed.extend(codes.iter().map(|c| keys::invite_code(c)));
            doomed.push(keys::invite_list(user));
        }
        let used = Scope::index(table::keys::GSI2, "gsi2pk", keys::redeemed_by(user));
        doomed.extend(
            self.table
                .first_items(&used, BATCH)
                .await?
                .iter()
                .map(key_of),
        );
        Ok(self.table.delete_keys(doomed).await?)
    }

    /// `user`'s follower shards, once no entry can count on them.
    pub async fn erase_follower_shards(&self, user: &UserId) -> Result<(), Error> {
        Ok(self
            .table
            .delete_keys(keys::FOLLOWERS.keys(user.as_str()))
            .await?)
    }
}
