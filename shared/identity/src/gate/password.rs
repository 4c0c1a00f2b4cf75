//! The password step of every sign-in, under the throttling rules of
//! `domain::lockout`: a trusted device answers to its own budget; anyone
//! else to the account's growing lockout and to their address's budget.
//! Unknown and locked accounts cost one argon2 verify like everyone else,
//! so neither the answer nor its timing tells who exists.

use super::audit::refused;
use super::complete::FirstFactor;
use super::Attempt;
use domain::audit::Failure;
use domain::lockout::{self, SOURCE_FAILURES};
use domain::{password_hash as password, time, Error, ErrorKind, User};
use table::{DeviceRecord, Store};

/// Whether the attempt comes from a device of the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Trust {
    /// A live, unlocked device token of this account (its hash).
    Device {
        hash: String,
        failures: u32,
    },
    Untrusted,
}

impl Trust {
    /// What the presented device (as read) means for the account found.
    pub(super) fn of(
        attempt: &Attempt,
        device: Option<DeviceRecord>,
        user: Option<&User>,
        now_ms: i64,
    ) -> Self {
        match (&attempt.device, device, user) {
            (Some(token), Some(d), Some(u)) if d.trusted_for(&u.id, now_ms) => Trust::Device {
                hash: token.hash(),
                failures: d.failures,
            },
            _ => Trust::Untrusted,
        }
    }
}

/// The right password for a standing account.
pub(super) struct Verified {
    pub user: User,
    /// A new hash to store when the parameters changed since the last one.
    pub rehash: Option<String>,
}

pub(super) fn invalid_credentials() -> Error {
    Error::new(
        ErrorKind::Unauthenticated,
        "invalid_credentials",
        "wrong username, email or password",
    )
}

pub(super) fn banned() -> Error {
    Error::new(
        ErrorKind::Forbidden,
        "account_banned",
        "the account is banned",
    )
}

/// The 429 of an address that failed too often. It says nothing about any
/// account: it is the same whichever name was tried.
pub(super) fn source_refused() -> Error {
    SOURCE_FAILURES.refusal(
        "too_many_attempts",
        "too many failed sign-ins from this address; try again later",
    )
}

/// Checks `password` for the account found (if any) under the attempt's
/// budgets. `source_hits` is the address's failures in this window, read
/// beside the account.
pub(super) async fn verify(
    store: &Store,
    attempt: &Attempt,
    found: Option<User>,
    password: &str,
    trust: &Trust,
    source_hits: u32,
) -> Result<Verified, Error> {
    let now = time::now_ms();
    if *trust == Trust::Untrusted && attempt.source.is_some() && source_hits >= SOURCE_FAILURES.max
    {
        return Err(source_refused());
    }
    let locked = |u: &User| *trust == Trust::Untrusted && u.locked_until.is_some_and(|t| t > now);
    let user = match found {
        Some(u) if !locked(&u) => u,
        // Unknown, or locked for untrusted clients: the same answer and cost
        // (a locked account's log says so, beside the address's count).
        found => {
            password::verify(password, None).await;
            let note = async {
                if let Some(u) = &found {
                    refused(
                        store,
                        &u.id,
                        attempt,
                        Failure::Locked,
                        FirstFactor::Password,
                    )
                    .await;
                }
            };
            let (counted, ()) = tokio::join!(count_source_failure(store, attempt), note);
            counted?;
            return Err(invalid_credentials());
        }
    };
    match password::verify(password, Some(&user.password_hash)).await {
        password::Verdict::Mismatch => {
            let note = refused(
                store,
                &user.id,
                attempt,
                Failure::WrongPassword,
                FirstFactor::Password,
            );
            let (counted, ()) =
                tokio::join!(count_failure(store, attempt, &user, trust, now), note);
            counted?;
            Err(invalid_credentials())
        }
        password::Verdict::Match { .. } if user.banned => {
            refused(
                store,
                &user.id,
                attempt,
                Failure::Banned,
                FirstFactor::Password,
            )
            .await;
            Err(banned())
        }
        password::Verdict::Match { needs_rehash } => {
            let rehash = match needs_rehash {
                true => Some(password::hash(password).await),
                false => None,
            };
            Ok(Verified { user, rehash })
        }
    }
}

/// A wrong password: a trusted device spends its own budget; anyone else
/// the account's lockout and their address's budget (side by side).
async fn count_failure(
    store: &Store,
    attempt: &Attempt,
    user: &User,
    trust: &Trust,
    now: i64,
) -> Result<(), Error> {
    match trust {
        Trust::Device { hash, failures } => {
            let until = lockout::device_lock_ms(failures + 1).map(|ms| now + ms);
            store.record_device_failure(hash, until).await?;
        }
        Trust::Untrusted => {
            let failures = user.failed_logins.saturating_add(1);
            let until = lockout::lock_ms(failures).map(|ms| now + ms);
            let (account, source) = tokio::join!(
                store.record_login_failure(&user.id, until),
                count_source_failure(store, attempt)
            );
            account?;
            source?;
        }
    }
    Ok(())
}

async fn count_source_failure(store: &Store, attempt: &Attempt) -> Result<(), Error> {
    if let Some(subject) = attempt.source_subject() {
        // Past the budget the hit is simply not counted: the next attempt
        // is refused before it costs a hash.
        store.hit_rate_limit(&SOURCE_FAILURES, &subject).await?;
    }
    Ok(())
}

/// The address's failures in this window (0 without an address).
pub(super) async fn source_hits(store: &Store, attempt: &Attempt) -> Result<u32, Error> {
    match attempt.source_subject() {
        Some(subject) => Ok(store.rate_hits(&SOURCE_FAILURES, &subject).await?),
        None => Ok(0),
    }
}

/// The device the attempt presents, as stored.
pub(super) async fn device(
    store: &Store,
    attempt: &Attempt,
) -> Result<Option<DeviceRecord>, Error> {
    match &attempt.device {
        Some(token) => Ok(store.get_device(&token.hash()).await?),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{OpaqueToken, UserId};

    fn user() -> User {
        User::new(1, "ann".into(), "ann@example.com".into(), "h".into())
    }

    #[test]
    fn only_a_live_device_of_this_account_is_trusted() {
        let me = user();
        let token = OpaqueToken::generate();
        let attempt = Attempt {
            source: None,
            device: Some(token.clone()),
            user_agent: None,
        };
        let now = 10_000_000;
        let mine = DeviceRecord::signed_in(&me.id, now, 3600);
        assert_eq!(
            Trust::of(&attempt, Some(mine.clone()), Some(&me), now),
            Trust::Device {
                hash: token.hash(),
                failures: 0
            }
        );
        let theirs = DeviceRecord::signed_in(&UserId::generate(), now, 3600);
        assert_eq!(
            Trust::of(&attempt, Some(theirs), Some(&me), now),
            Trust::Untrusted
        );
        let mut locked = mine.clone();
        locked.locked_until = Some(now + 1);
        assert_eq!(
            Trust::of(&attempt, Some(locked), Some(&me), now),
            Trust::Untrusted
        );
        let no_cookie = Attempt::default();
        assert_eq!(
            Trust::of(&no_cookie, Some(mine), Some(&me), now),
            Trust::Untrusted
        );
    }
}
