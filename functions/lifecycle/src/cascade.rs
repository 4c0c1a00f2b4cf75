//! The deletion cascade: every surface's part, in an order that keeps
//! everyone else's counters exact (follow entries and memberships go
//! through their own transactions, before the partition sweep could take
//! them silently), then the user's own partition, then the user item
//! itself with a tombstone. Each phase works in batches and is idempotent;
//! a run that stops anywhere is resumed from the first phase, whose done
//! batches find nothing left.

use domain::audit::{Actor, Event, Kind};
use domain::{Error, User};
use identity::AppState;
use std::time::{Duration, Instant};
use table::lifecycle::{Job, Requester};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Follows,
    Blocks,
    Sites,
    Credentials,
    Passkeys,
    Partition,
}

impl Phase {
    const ALL: [Phase; 6] = [
        Phase::Follows,
        Phase::Blocks,
        Phase::Sites,
        Phase::Credentials,
        Phase::Passkeys,
        Phase::Partition,
    ];

    fn name(self) -> &'static str {
        match self {
            Phase::Follows => "follows",
            Phase::Blocks => "blocks",
            Phase::Sites => "sites",
            Phase::Credentials => "credentials",
            Phase::Passkeys => "passkeys",
            Phase::Partition => "partition",
        }
    }

    /// One batch of the phase: `true` once nothing is left.
    async fn step(self, state: &AppState, user: &User) -> Result<bool, Error> {
        match self {
            Phase::Follows => users::erasure::follows_step(state, &user.id).await,
            Phase::Blocks => users::erasure::blocks_step(state, &user.id).await,
            Phase::Sites => {
                sites::store::SitesStore::of(state)
                    .erase_memberships_step(user)
                    .await
            }
            Phase::Credentials => Ok(state.store.erase_credentials_step(&user.id).await?),
            Phase::Passkeys => Ok(state.store.erase_passkeys_step(&user.id).await?),
            Phase::Partition => Ok(state.store.erase_partition_step(&user.id).await?),
        }
    }
}

/// Runs `job` until the account is gone or `budget` is spent.
pub async fn run(state: &AppState, job: &Job, budget: Duration) -> Result<(), Error> {
    let started = Instant::now();
    let Some(user) = state.store.get_user(&job.user_id).await? else {
        // Finished by an earlier run (its last write took the job too).
        return Ok(());
    };
    if user.deleting_since.is_none() {
        return Err(Error::internal(
            "a deletion job for an account not being deleted",
        ));
    }
    // One step each (independent: side by side), before the partition
    // sweep takes the invite list.
    let unlinked = Event::new(Kind::NetworkUnlinked, actor(job));
    let (invites, links) = tokio::join!(
        users::erasure::invites(state, &user.id),
        socialnetworks::erasure::links(state, user.seq, &unlinked)
    );
    invites?;
    links?;
    for phase in Phase::ALL {
        while !phase.step(state, &user).await? {
            if started.elapsed() >= budget {
                // Hand over: the job's change brings the next run.
                state.store.advance_job(job, phase.name()).await?;
                return Ok(());
            }
        }
    }
    // After the follows: their removal counts out on the follower shards.
    users::erasure::follower_shards(state, &user.id).await?;
    if let Some(key) = &user.profile_picture_key {
        users::pictures::delete(state, key).await;
    }
    let uncount = app::erasure::uncount(state, &user)?;
    state
        .store
        .finish_deletion(&user, uncount.into_iter().collect())
        .await?;
    tracing::info!(user = %user.id, "account deleted");
    Ok(())
}

/// Who the cascade acts for: whoever asked for the deletion.
fn actor(job: &Job) -> Actor {
    match job.requested_by {
        Requester::Owner => Actor::User,
        Requester::Operator => Actor::Operator,
    }
}
