//! Failed logins are slowed where they come from, and never lock a device
//! out that has signed in before (OWASP's device-cookie scheme):
//!
//! - an **untrusted client** (no device token of the account) shares the
//!   account's growing lockout: from the fifth consecutive failure, 1 s
//!   doubling with each further failure, capped at 15 minutes (a success
//!   resets it); and its **source address** may fail at most
//!   [`SOURCE_FAILURES`] times a window, whatever accounts it tries;
//! - a **trusted device** (a device token the account issued at an
//!   earlier sign-in) ignores both: it has its own budget of
//!   [`DEVICE_FREE_FAILURES`] failures, after which it is untrusted for
//!   [`DEVICE_LOCK_MS`].
//!
//! So a stranger who knows a username can slow only untrusted clients;
//! the owner's own devices still get in.

use crate::RateLimit;

pub const FREE_FAILURES: u32 = 4;
pub const MAX_LOCK_MS: i64 = 15 * 60 * 1000;

/// How long to lock after the `failures`-th consecutive failure.
pub fn lock_ms(failures: u32) -> Option<i64> {
    if failures <= FREE_FAILURES {
        return None;
    }
    let doublings = (failures - FREE_FAILURES - 1).min(20);
    Some((1000i64 << doublings).min(MAX_LOCK_MS))
}

/// Consecutive failures a trusted device may make before it is untrusted.
pub const DEVICE_FREE_FAILURES: u32 = 5;
/// How long a device that used up its failures stays untrusted.
pub const DEVICE_LOCK_MS: i64 = 15 * 60 * 1000;
/// How long a device token lives after its last sign-in.
pub const DEVICE_TTL_SECS: i64 = 365 * 24 * 3600;

/// Failed sign-ins per source address from untrusted clients.
pub const SOURCE_FAILURES: RateLimit = RateLimit {
    scope: "login-fail-source",
    max: 20,
    window_secs: 15 * 60,
};

/// When a trusted device that failed for the `failures`-th time in a row
/// stops being trusted.
pub fn device_lock_ms(failures: u32) -> Option<i64> {
    (failures >= DEVICE_FREE_FAILURES).then_some(DEVICE_LOCK_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule() {
        assert_eq!(lock_ms(4), None);
        assert_eq!(lock_ms(5), Some(1000));
        assert_eq!(lock_ms(6), Some(2000));
        assert_eq!(lock_ms(10), Some(32_000));
        assert_eq!(lock_ms(15), Some(MAX_LOCK_MS));
        assert_eq!(lock_ms(u32::MAX), Some(MAX_LOCK_MS));
    }

    #[test]
    fn a_device_is_untrusted_after_its_own_failures() {
        assert_eq!(device_lock_ms(DEVICE_FREE_FAILURES - 1), None);
        assert_eq!(device_lock_ms(DEVICE_FREE_FAILURES), Some(DEVICE_LOCK_MS));
    }
}
