//! Changes to existing follow entries: unfollow, delete by id (either
//! side), accept a request (the followed user only), and approving every
//! pending request when an account turns public. Each is one transaction
//! conditioned on the entry as read; a lost race reads again.

use super::error::{entry_not_found, other_user};
use super::follows::{remove_entry, Deltas, FollowSnapshot};
use super::{boolean, keys, lost_race, retrying, FollowPointer, SocialStore};
use aws_sdk_dynamodb::types::Update;
use domain::{Error, ErrorKind, UserId};
use table::contention::Step;
use table::item::s;
use table::{StoreError, Transaction};

#[derive(Debug, Clone, Copy, PartialEq)]
enum EntryTag {
    /// The entry changed or went since it was read.
    Changed,
}

/// Who may do what with an entry read by its id.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EntryAction {
    Delete,
    Accept,
}

impl<'a> SocialStore<'a> {
    pub async fn pointer(&self, entry_id: &str) -> Result<Option<FollowPointer>, Error> {
        self.get(keys::follow_pointer(entry_id)).await
    }

    /// Removes the caller's entry for `target` (none: nothing to do).
    pub async fn unfollow(
        &self,
        me: &UserId,
        target: &UserId,
        first: FollowSnapshot,
    ) -> Result<(), Error> {
        other_user(me, target, first.target.is_some())?;
        retrying(
            "unfollow",
            first.existing,
            || async { Ok(self.follow_snapshot(me, target).await?.existing) },
            |entry| self.try_remove(entry),
        )
        .await
    }

    async fn try_remove(&self, entry: Option<FollowPointer>) -> Result<Step<()>, Error> {
        let Some(entry) = entry else {
            return Ok(Step::Done(()));
        };
        let mut deltas = Deltas::default();
        let tx = remove_entry(
            self.table.transaction(),
            EntryTag::Changed,
            self.name(),
            &entry,
            &mut deltas,
        )?;
        commit_with(tx, &deltas, self.name()).await
    }

    /// Deletes or accepts the entry `entry_id` for `me`: a party may delete
    /// it, only its target may accept it; to anyone else it does not exist.
    pub async fn change_entry(
        &self,
        me: &UserId,
        entry_id: &str,
        action: EntryAction,
        first: Option<FollowPointer>,
    ) -> Result<(), Error> {
        let field = match action {
            EntryAction::Delete => "entry",
            EntryAction::Accept => "request",
        };
        let seen = std::sync::atomic::AtomicBool::new(false);
        retrying(
            "follow entry",
            first,
            || self.pointer(entry_id),
            |pointer| {
                let first_read = !seen.swap(true, std::sync::atomic::Ordering::Relaxed);
                async move {
                    let Some(p) = pointer else {
                        // Gone after our own first read: someone else's
                        // delete won; the outcome the caller wanted for a
                        // delete, a missing request for an accept.
                        return match (first_read, action) {
                            (false, EntryAction::Delete) => Ok(Step::Done(())),
                            _ => Err(entry_not_found(field)),
                        };
                    };
                    may_change(me, &p, action).map_err(|e| e.on(field))?;
                    match action {
                        EntryAction::Delete => self.try_remove(Some(p)).await,
                        EntryAction::Accept => self.try_accept(p).await,
                    }
                }
            },
        )
        .await
    }

    async fn try_accept(&self, p: FollowPointer) -> Result<Step<()>, Error> {
        if p.approved {
            return Ok(Step::Done(()));
        }
        let tx = self.approve(self.table.transaction(), &p)?;
        let mut deltas = Deltas::default();
        deltas.entry(&p.source, &p.target, 1);
        commit_with(tx, &deltas, self.name()).await
    }

    /// Approves a pending entry (condition: still pending) and its pointer.
    fn approve(
        &self,
        tx: Transaction<EntryTag>,
        p: &FollowPointer,
    ) -> Result<Transaction<EntryTag>, StoreError> {
        let table = self.name();
        Ok(tx
            .update_if(
                EntryTag::Changed,
                Update::builder()
                    .table_name(table)
                    .set_key(Some(keys::follow_entry(&p.source, &p.target)))
                    .update_expression("SET approved = :t, gsi1pk = :f, gsi2pk = :g, gsi2sk = :id")
                    .condition_expression("id = :id AND approved = :no")
                    .expression_attribute_values(":t", boolean(true))
                    .expression_attribute_values(":no", boolean(false))
                    .expression_attribute_values(":f", s(keys::followers_of(&p.target)))
                    .expression_attribute_values(":g", s(keys::following_of(&p.source)))
                    .expression_attribute_values(":id", s(&p.id))
                    .build()?,
            )
            .update(
                Update::builder()
                    .table_name(table)
                    .set_key(Some(keys::follow_pointer(&p.id)))
                    .update_expression("SET approved = :t")
                    .expression_attribute_values(":t", boolean(true))
                    .build()?,
            ))
    }

    /// Approves every pending request of `target` (the account turned
    /// public), a page of requests per transaction.
    pub async fn approve_all_pending(&self, target: &UserId) -> Result<(), Error> {
        for _ in 0..table::contention::ATTEMPTS {
            let page = self
                .list_page(
                    super::ListKind::Requests,
                    target,
                    &super::PageRequest::first(30),
                )
                .await?;
            if page.is_empty() {
                return Ok(());
            }
            let mut tx = self.table.transaction();
            let mut deltas = Deltas::default();
            for entry in &page {
                let p = FollowPointer {
                    id: entry.id.clone(),
                    source: entry.source.clone(),
                    target: entry.target.clone(),
                    approved: false,
                };
                tx = self.approve(tx, &p)?;
                deltas.entry(&p.source, &p.target, 1);
            }
            if let Step::Retry = commit_with(tx, &deltas, self.name()).await? {
                table::contention::backoff(1).await;
            }
        }
        Err(table::contention::exhausted("approve requests").into())
    }
}

/// Adds the counter updates and commits.
async fn commit_with(
    mut tx: Transaction<EntryTag>,
    deltas: &Deltas,
    table: &str,
) -> Result<Step<()>, Error> {
    for update in deltas.updates(table)? {
        tx = tx.update(update);
    }
    match tx.commit().await {
        Ok(()) => Ok(Step::Done(())),
        Err(e) => lost_race(e),
    }
}

/// Object-level rule of an entry: its parties may delete it; only the
/// followed user accepts; to anyone else it does not exist.
pub fn may_change(me: &UserId, p: &FollowPointer, action: EntryAction) -> Result<(), Error> {
    let party = *me == p.source || *me == p.target;
    match action {
        _ if !party => Err(Error::new(
            ErrorKind::NotFound,
            "not_found",
            "no such follow entry",
        )),
        EntryAction::Accept if *me != p.target => Err(Error::forbidden(
            "only the followed user may accept a follow request",
        )),
        _ => Ok(()),
    }
}
