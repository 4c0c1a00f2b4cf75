//! Account lifecycle jobs: a deletion or an export the owner (or an
//! operator) asked for, carried out by the stream-driven worker
//! (`functions/lifecycle`). The job item is the work's state: the worker
//! advances it in bounded steps, each idempotent, and a sweep of the
//! `JOBS` listing resumes any job the stream did not bring.

use super::erasure::Scope;
use super::item::{from_item, key, n, s, to_item, Item};
use super::{keys, search_index, Store, StoreError, TxError};
use aws_sdk_dynamodb::types::{Delete, Put, Update};
use domain::{User, UserId};
use serde::{Deserialize, Serialize};

/// How long a tombstone says "this id was deleted" (then TTL takes it).
pub const TOMBSTONE_SECS: i64 = 30 * 24 * 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobKind {
    Delete,
    Export,
}

impl JobKind {
    pub fn sort_key(self) -> &'static str {
        match self {
            JobKind::Delete => "DELETE",
            JobKind::Export => "EXPORT",
        }
    }
}

/// Who asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Requester {
    Owner,
    Operator,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub user_id: UserId,
    pub kind: JobKind,
    pub requested_by: Requester,
    /// ms.
    pub requested_at: i64,
    /// The step the worker reached (a phase name), `None` before the first.
    #[serde(default)]
    pub phase: Option<String>,
    /// Steps taken: the version each advance is conditioned on.
    #[serde(default)]
    pub steps: u64,
}

impl Job {
    pub fn new(user: &UserId, kind: JobKind, by: Requester) -> Self {
        Self {
            user_id: user.clone(),
            kind,
            requested_by: by,
            requested_at: domain::time::now_ms(),
            phase: None,
            steps: 0,
        }
    }

    pub fn key(&self) -> Item {
        key(keys::job(&self.user_id), self.kind.sort_key())
    }

    fn item(&self) -> Result<Item, StoreError> {
        let mut item = to_item(self)?;
        item.extend(self.key());
        item.insert("gsi1pk".into(), s(keys::JOBS));
        item.insert(
            "gsi1sk".into(),
            s(format!(
                "{:015}#{}#{}",
                self.requested_at,
                self.user_id,
                self.kind.sort_key()
            )),
        );
        Ok(item)
    }
}

/// Why a deletion could not be requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestTag {
    /// The account is gone or already being deleted.
    Gone,
    /// A job of this kind is already under way.
    Pending,
}

impl Store {
    /// Starts deleting `user` (as read): in one transaction the account
    /// stops signing in and every credential dies (the holder guard and
    /// `tokens_valid_after`), its username and address are released, it
    /// leaves the search index and the lookups, and the job is queued.
    /// `event` (`account_deleted`, by whom, from where) goes into the
    /// audit log in the same transaction.
    pub async fn request_deletion(
        &self,
        user: &User,
        by: Requester,
        event: &domain::audit::Event,
    ) -> Result<Job, TxError<RequestTag>> {
        let table = self.table();
        let hide = Update::builder()
            .table_name(table)
            .set_key(Some(key(keys::user(&user.id), keys::USER_SK)))
            .update_expression(
                "SET deleting_since = :now, tokens_valid_after = :void \
                 REMOVE gsi1pk, gsi1sk, gsi2pk, gsi2sk, gsi3pk, gsi3sk, gsi4pk, gsi4sk",
            )
            .condition_expression("attribute_exists(pk) AND attribute_not_exists(deleting_since)")
            .expression_attribute_values(":now", n(domain::time::now_ms()))
            .expression_attribute_values(":void", n(domain::time::now_ms() + 1))
            .build()?;
        let mut tx = self
            .transaction()
            .update_if(RequestTag::Gone, hide)
            .delete(self.sentinel_delete(keys::username(&user.username.to_ascii_lowercase()))?)
            .delete(self.sentinel_delete(keys::email(&user.email.to_lowercase()))?);
        let (_, unindex) = search_index::index_changes(table, user, &unsearchable(user))?;
        for delete in unindex {
            tx = tx.delete(delete);
        }
        let job = Job::new(&user.id, JobKind::Delete, by);
        tx.put(self.audit_put(&user.id, event)?)
            .put_if(RequestTag::Pending, self.job_put(&job)?)
            .commit()
            .await?;
        Ok(job)
    }

    /// Queues an export of `user`'s data (one at a time).
    pub async fn request_export(&self, user: &UserId) -> Result<Job, TxError<RequestTag>> {
        let job = Job::new(user, JobKind::Export, Requester::Owner);
        self.transaction()
            .put_if(RequestTag::Pending, self.job_put(&job)?)
            .commit()
            .await?;
        Ok(job)
    }

    fn job_put(&self, job: &Job) -> Result<Put, StoreError> {
        Ok(Put::builder()
            .table_name(self.table())
            .set_item(Some(job.item()?))
            .condition_expression("attribute_not_exists(pk)")
            .build()?)
    }

    /// A sentinel released with its account: the one of the account's
    /// current name (or address, or integer id) is its own, so the delete
    /// needs no condition and is idempotent.
    fn sentinel_delete(&self, pk: String) -> Result<Delete, StoreError> {
        Ok(Delete::builder()
            .table_name(self.table())
            .set_key(Some(key(pk, keys::SENTINEL_SK)))
            .build()?)
    }

    pub async fn get_job(&self, user: &UserId, kind: JobKind) -> Result<Option<Job>, StoreError> {
        self.get_record(key(keys::job(user), kind.sort_key())).await
    }

    /// Up to `limit` unfinished jobs, oldest first.
    pub async fn pending_jobs(&self, limit: usize) -> Result<Vec<Job>, StoreError> {
        let jobs = Scope::index(keys::GSI1, "gsi1pk", keys::JOBS.to_owned());
        self.first_items(&jobs, limit)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    /// Records that `job` reached `phase` (one step more), unless another
    /// worker moved it first: then `false`, and this one stops.
    pub async fn advance_job(&self, job: &Job, phase: &str) -> Result<bool, StoreError> {
        let update = Update::builder()
            .table_name(self.table())
            .set_key(Some(job.key()))
            .update_expression("SET phase = :phase, steps = :next")
            .condition_expression("steps = :steps")
            .expression_attribute_values(":phase", s(phase))
            .expression_attribute_values(":next", n(job.steps + 1))
            .expression_attribute_values(":steps", n(job.steps))
            .build()?;
        match self.transaction().update_if((), update).commit().await {
            Ok(()) => Ok(true),
            Err(TxError::Failed(_)) => Ok(false),
            Err(TxError::Store(e)) => Err(e),
        }
    }

    /// Ends an export job (its archive is out).
    pub async fn end_job(&self, job: &Job) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(self.table())
            .set_key(Some(job.key()))
            .send()
            .await?;
        Ok(())
    }

    /// The deletion's last write: the user item, its integer-id sentinel
    /// and the job go, a tombstone stays; `more` are the surfaces' last
    /// writes (statistics). Conditioned on the deletion having started.
    pub async fn finish_deletion(&self, user: &User, more: Vec<Update>) -> Result<(), StoreError> {
        let table = self.table();
        let profile = Delete::builder()
            .table_name(table)
            .set_key(Some(key(keys::user(&user.id), keys::USER_SK)))
            .condition_expression("attribute_exists(deleting_since)")
            .build()?;
        let mut stone = key(keys::tombstone(&user.id), keys::TOMBSTONE_SK);
        stone.insert("user_id".into(), s(user.id.as_str()));
        stone.insert("deleted_at".into(), n(domain::time::now_ms()));
        stone.insert(
            "expires_at".into(),
            n(domain::time::now_secs() + TOMBSTONE_SECS),
        );
        let job = Job::new(&user.id, JobKind::Delete, Requester::Owner);
        let mut tx = self
            .transaction()
            .delete_if((), profile)
            .delete(self.sentinel_delete(keys::user_seq(user.seq))?)
            .delete(
                Delete::builder()
                    .table_name(table)
                    .set_key(Some(job.key()))
                    .build()?,
            )
            .put(
                Put::builder()
                    .table_name(table)
                    .set_item(Some(stone))
                    .build()?,
            );
        for update in more {
            tx = tx.update(update);
        }
        match tx.commit().await {
            // Already finished by an earlier run: nothing to do.
            Ok(()) | Err(TxError::Failed(_)) => Ok(()),
            Err(TxError::Store(e)) => Err(e),
        }
    }
}

/// `user` without any searchable term (what leaves the index).
fn unsearchable(user: &User) -> User {
    let mut gone = user.clone();
    gone.username.clear();
    gone.first_name = None;
    gone.last_name = None;
    gone
}
