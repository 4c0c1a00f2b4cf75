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

/// Runs `attempt` on `snapshot` until it is done: after a lost race it
/// reads a fresh snapshot with `read` and tries again, `ATTEMPTS` times at
/// most with jittered backoff; then a passing failure (503, never a 500).
pub async fn retrying<S, T, E, R, A>(
    what: &str,
    mut snapshot: S,
    read: impl Fn() -> R,
    attempt: impl Fn(S) -> A,
) -> Result<T, E>
where
    R: std::future::Future<Output = Result<S, E>>,
    A: std::future::Future<Output = Result<Step<T>, E>>,
    E: From<StoreError>,
{
    for n in 1..=ATTEMPTS {
        if let Step::Done(done) = attempt(snapshot).await? {
            return Ok(done);
        }
        if n == ATTEMPTS {
            break;
        }
        backoff(n).await;
        snapshot = read().await?;
    }
    Err(exhausted(what).into())
}

/// An optimistic attempt whose transaction did not apply and that no tag
/// turned into a refusal: a condition on what was read (a counter, a
/// position, a clock) failed because another writer came first, or the
/// transaction collided with a concurrent one (passing, as is throttling
/// past the SDK's retries). Either way, read again; anything else is the
/// store's failure.
pub fn lost_race<T, X, E: From<StoreError>>(err: crate::TxError<T>) -> Result<Step<X>, E> {
    match err {
        crate::TxError::Failed(_) | crate::TxError::Store(StoreError::Unavailable(_)) => {
            Ok(Step::Retry)
        }
        crate::TxError::Store(e) => Err(e.into()),
    }
}
