//! "Remember this device" for the second factor. Answering a challenge
//! with `remember` marks the device the sign-in keeps (OWASP's device
//! cookie, `DeviceRecord::second_factor_at`); for 30 days from then a
//! sign-in of the same account from that device skips the second factor.
//! Only the second factor: the password (or a network, a passkey) is
//! still asked, so a stolen device cookie alone signs in nowhere. It ends
//! with the account's tokens (a new password, a reset, signing out
//! everywhere move `tokens_valid_after`), with 2FA turned off or on
//! (`two_factor_since`), with the device's own life, and when the device
//! answers for another account (a device record is one account's).

use super::Attempt;
use domain::lockout::DEVICE_TTL_SECS;
use domain::{time, OpaqueToken, User};
use table::DeviceRecord;

/// How a sign-in that skipped its second factor on a remembered device
/// names it in the security log (`second_factor`).
pub(super) const SKIPPED: &str = "remembered_device";

/// How long a device is remembered for the second factor.
pub const REMEMBER_MS: i64 = 30 * 24 * 3600 * 1000;

/// Whether `device`, presented by `attempt` and read, is a live device of
/// `user`: the one record whose memory counts.
pub(super) fn trusted(
    attempt: &Attempt,
    device: Option<DeviceRecord>,
    user: &User,
    now_ms: i64,
) -> Option<DeviceRecord> {
    device.filter(|d| attempt.device.is_some() && d.trusted_for(&user.id, now_ms))
}

/// Whether the trusted `device` still answers for `user`'s second factor.
pub(super) fn remembers(device: Option<&DeviceRecord>, user: &User, now_ms: i64) -> bool {
    device.and_then(|d| d.second_factor_at).is_some_and(|at| {
        at >= user.tokens_valid_after && at > user.two_factor_since && now_ms < at + REMEMBER_MS
    })
}

/// The device a completed sign-in keeps: the token the client keeps and
/// the record written with the sign-in.
pub(super) struct Kept {
    pub token: OpaqueToken,
    pub record: DeviceRecord,
}

/// The device to keep: the one presented when it is `user`'s (`known`,
/// trusted), else a new one; renewed, and remembering the second factor
/// when asked (`remember`) or when it already did.
pub(super) fn keep(
    attempt: &Attempt,
    user: &User,
    known: Option<&DeviceRecord>,
    remember: bool,
) -> Kept {
    let now = time::now_ms();
    let token = match (&attempt.device, known) {
        (Some(token), Some(_)) => token.clone(),
        _ => OpaqueToken::generate(),
    };
    let mut record = DeviceRecord::signed_in(&user.id, now, DEVICE_TTL_SECS);
    record.second_factor_at = match remember {
        true => Some(now),
        false => known
            .filter(|d| remembers(Some(d), user, now))
            .and_then(|d| d.second_factor_at),
    };
    Kept { token, record }
}
