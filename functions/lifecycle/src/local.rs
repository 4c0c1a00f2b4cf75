//! The local stack's stand-in for the stream trigger and the schedule:
//! the emulator runs no triggers, so this sweeps the jobs listing every
//! `POLL` (a job starts about that long after it was asked for).

use identity::AppState;
use std::time::Duration;

pub const POLL: Duration = Duration::from_millis(200);
/// Each job's share of a sweep.
pub const BUDGET: Duration = Duration::from_secs(5);

/// Sweeps for ever.
pub async fn run(state: AppState) {
    loop {
        if let Err(e) = crate::sweep(&state, BUDGET).await {
            tracing::warn!(error = %e, "lifecycle sweep failed; trying again");
        }
        tokio::time::sleep(POLL).await;
    }
}
