//! The gate's security events: a completed sign-in (and a new device) is
//! written by the completing transaction; a refusal beside the failure
//! counters it already writes, and never turns into an error of its own.

use super::complete::FirstFactor;
use super::Attempt;
use domain::audit::{Event, Failure, Kind};
use domain::{OpaqueToken, UserId};
use table::{SecondFactor, Store};

/// How the first factor is named in an event's `method`.
pub(super) fn method(first: FirstFactor) -> &'static str {
    match first {
        FirstFactor::Password => "password",
        FirstFactor::Network => "network",
        FirstFactor::Passkey { .. } => "passkey",
    }
}

/// How the second factor is named in an event's `second_factor`.
pub(super) fn second_factor(second: Option<&SecondFactor>, emailed: bool) -> Option<&'static str> {
    match (second, emailed) {
        (Some(SecondFactor::TotpStep(_)), _) => Some("totp"),
        (Some(SecondFactor::Recovery(_)), _) => Some("recovery_code"),
        (Some(SecondFactor::Passkey(_)), _) => Some("passkey"),
        (None, true) => Some("email_code"),
        (None, false) => None,
    }
}

/// The events of a completed sign-in, in their order: a new device when
/// the device token kept is not the one presented, then the sign-in.
pub(super) fn signed_in(
    attempt: &Attempt,
    first: FirstFactor,
    second: Option<&'static str>,
    device: &OpaqueToken,
) -> Vec<Event> {
    let mut event = attempt.event(Kind::SignIn).with("method", method(first));
    if let Some(second) = second {
        event = event.with("second_factor", second);
    }
    let known = attempt
        .device
        .as_ref()
        .is_some_and(|d| d.hash() == device.hash());
    let mut events = Vec::new();
    if !known {
        events.push(attempt.event(Kind::NewDevice).with("method", method(first)));
    }
    events.push(event);
    events
}

/// A refused sign-in of `user`, and why.
pub(super) fn failure(attempt: &Attempt, reason: Failure, first: FirstFactor) -> Event {
    let failed = Event::failed(reason, method(first));
    failed.from(attempt.source, attempt.user_agent.as_deref())
}

/// Writes a refusal's event (logged, never an error).
pub(super) async fn refused(
    store: &Store,
    user: &UserId,
    attempt: &Attempt,
    reason: Failure,
    first: FirstFactor,
) {
    table::audit::record(store, user, &failure(attempt, reason, first)).await;
}
