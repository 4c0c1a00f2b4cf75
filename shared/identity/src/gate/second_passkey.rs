//! A passkey as the second factor: a challenge a password (or a social
//! network) opened is answered by an assertion of one of the account's own
//! passkeys. The passkeys function verifies the assertion (signature,
//! ceremony, origin, counter) beside the gate's reads; the gate decides:
//! the challenge must be live and the passkey the account's, a refusal
//! counts like a wrong code (five end the challenge), and the challenge and
//! the passkey's counter are spent by the transaction that completes the
//! sign-in, so of two racing answers exactly one wins.

use super::challenge::{count_failure, invalid_code, live, settle};
use super::complete::{Completed, Issue};
use super::Attempt;
use crate::AppState;
use domain::codes::{Challenge, Purpose};
use domain::{time, Error, ErrorKind, UserId};
use std::future::Future;
use table::{CodeSlot, PasskeyUse, SecondFactor, Store};

/// What the passkeys function made of the assertion.
pub enum Assertion {
    /// Verified: the credential's new state, and whose it is as stored.
    Verified(PasskeyUse),
    /// Not an answer (bad signature, unknown or replayed ceremony, another
    /// account's passkey, a counter going backwards): `error` is the reply.
    Refused(Error),
}

/// The answer to a passkey that is not one of the account's.
pub fn passkey_refused() -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        "invalid_credential",
        "the authenticator's response could not be verified",
    )
    .on("credential")
}

/// The live challenge of `target` that a passkey may answer: not one a
/// passkey opened (the second factor is another kind than the first).
fn answerable<'a>(
    slot: Option<&'a CodeSlot>,
    challenge: &Challenge,
) -> Result<&'a CodeSlot, Error> {
    live(slot, challenge, time::now_secs())
        .filter(|s| s.first_factor.as_deref() != Some("hwk"))
        .ok_or_else(invalid_code)
}

/// Whether `challenge` is a live challenge of `target` a passkey may
/// answer (the options step). A challenge unknown, expired, used or
/// another's answers as `/user/do-2fa` does: `invalid_code`.
pub async fn passkey_may_answer(
    store: &Store,
    target: &UserId,
    challenge: &Challenge,
) -> Result<(), Error> {
    let slot = store.get_code_slot(target, Purpose::TwoFactor).await?;
    answerable(slot.as_ref(), challenge).map(|_| ())
}

/// Completes the sign-in of `target` that opened `challenge` with a
/// passkey: `assertion` (the passkeys function's verification, which reads
/// the ceremony and the credential) runs beside the gate's own reads. With
/// `remember`, the device is remembered for the second factor.
#[tracing::instrument(skip_all)]
pub async fn answer_with_passkey(
    state: &AppState,
    attempt: &Attempt,
    target: &UserId,
    challenge: &Challenge,
    assertion: impl Future<Output = Result<Assertion, Error>>,
    issue: Issue,
    remember: bool,
) -> Result<Completed, Error> {
    let result = async {
        let store = &state.store;
        let (slot, user, device, assertion) = tokio::join!(
            store.get_code_slot(target, Purpose::TwoFactor),
            store.get_user(target),
            super::password::device(store, attempt),
            assertion
        );
        let slot = slot?;
        let slot = answerable(slot.as_ref(), challenge)?;
        let user = user?.ok_or_else(invalid_code)?;
        let used = match assertion? {
            Assertion::Verified(used) if used.owner == user.id => used,
            Assertion::Verified(_) => {
                count_failure(store, attempt, target, Some(slot)).await?;
                return Err(passkey_refused());
            }
            Assertion::Refused(refusal) => {
                count_failure(store, attempt, target, Some(slot)).await?;
                return Err(refusal);
            }
        };
        let answered = (Some(SecondFactor::Passkey(used)), issue, remember);
        settle(state, attempt, user, slot, answered, device?).await
    }
    .await;
    super::answer_counted(result)
}
