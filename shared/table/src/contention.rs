//! Optimistic writes that lose a race: the transaction's conditions (a
//! counter still at the value read, a position still held) are the proof
//! that one caller won; the others read again and retry, a bounded number
//! of times with jittered backoff. The SDK never retries a cancelled
//! transaction, so this is where it happens.

use super::StoreError;
use std::time::Duration;

/// Enough for a few dozen writers racing on one item (one wins per round).
pub const ATTEMPTS: u32 = 30;

/// What one attempt came to.
pub enum Step<T> {
    Done(T),
    /// A condition failed because someone else wrote first: read again.
    Retry,
}

/// Sleeps before attempt `attempt + 1`: 2..=64 ms times a random factor,
/// so racing callers spread out instead of colliding again.
pub async fn backoff(attempt: u32) {
    let cap = 2u64 << attempt.min(5);
    let ms = 1 + rand::random::<u64>() % cap;
    tokio::time::sleep(Duration::from_millis(ms)).await;
}

pub fn exhausted(what: &str) -> StoreError {
    StoreError::Unavailable(format!(
        "{what}: still conflicting after {ATTEMPTS} attempts"
    ))
}
