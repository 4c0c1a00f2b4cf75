//! The account lifecycle worker: deletions and exports the owner or an
//! operator asked for (`table::lifecycle`). In the cloud the table's
//! stream brings each new or advanced job (template.yaml:
//! LifecycleFunction), and a schedule resumes any the stream did not; on
//! the local stack [`local::run`] polls the jobs listing instead.

pub mod cascade;
pub mod export;
pub mod local;

use domain::Error;
use identity::AppState;
use table::lifecycle::{Job, JobKind};

/// Works on `job` for up to about `budget`: an export in one go, a deletion
/// until it finishes or the budget is spent (then the job is advanced, so
/// the stream brings it back).
pub async fn run(state: &AppState, job: &Job, budget: std::time::Duration) -> Result<(), Error> {
    match job.kind {
        JobKind::Delete => cascade::run(state, job, budget).await,
        JobKind::Export => export::run(state, job).await,
    }
}

/// Every unfinished job, each in turn (the schedule's and the local
/// stack's way in): how many it looked at.
pub async fn sweep(state: &AppState, budget: std::time::Duration) -> Result<usize, Error> {
    let jobs = state.store.pending_jobs(25).await?;
    for job in &jobs {
        if let Err(e) = run(state, job, budget).await {
            tracing::warn!(user = %job.user_id, error = %e, "lifecycle job failed; the next sweep tries again");
        }
    }
    Ok(jobs.len())
}
