//! One-time codes sent by email (verify an address, reset a password,
//! confirm a login with 2FA). Every code comes from the thread-local CSPRNG,
//! is stored only as a hash, lives at most `TTL_SECS`, is consumed by a
//! conditional write (single use), allows at most `MAX_ATTEMPTS` wrong
//! guesses where it is bound to a user, and is replaced by the next code of
//! the same purpose (one slot per user and purpose).
//!
//! Two shapes:
//! - a **link code** (`xxx-yyy-zzz-111-222-333`, the Users API's sample
//!   shape, 18 characters of `[a-z0-9]`, 93 bits) is presented on its own
//!   and names its user through its hash: guessing one is hopeless, so
//!   attempts cannot be (and need not be) counted per user;
//! - a **short code** (6 digits) is typed next to a login challenge
//!   (`sessionHash`, 122 bits); its hash mixes in the challenge, so a stored
//!   hash cannot be reversed by trying the million codes, and five wrong
//!   guesses kill the challenge.

use super::opaque::hash_secret;
use crate::RateLimit;
use rand::Rng;
use std::fmt;

pub const TTL_SECS: i64 = 10 * 60;
pub const MAX_ATTEMPTS: u32 = 5;

/// Password reset codes per address: 5 per 15 minutes, counted before
/// anything is looked up, so the limit says nothing about who exists. A
/// budget of its own: a stranger spending it cannot touch sign-in.
pub const RESET_SEND_LIMIT: RateLimit = RateLimit {
    scope: "reset-send",
    max: 5,
    window_secs: 15 * 60,
};

/// Second-factor challenges per account: 5 per 15 minutes. Only someone
/// with the password opens one, and a reset request never spends it.
pub const TWO_FACTOR_SEND_LIMIT: RateLimit = RateLimit {
    scope: "2fa-send",
    max: 5,
    window_secs: 15 * 60,
};

/// Notices to an address that someone tried to register it again: 3 per
/// hour, so sign-up cannot be used to flood an inbox.
pub const NOTICE_SEND_LIMIT: RateLimit = RateLimit {
    scope: "notice-send",
    max: 3,
    window_secs: 60 * 60,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    ChangeEmail,
    ResetPassword,
    TwoFactor,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify-email",
            Purpose::ChangeEmail => "change-email",
            Purpose::ResetPassword => "reset-password",
            Purpose::TwoFactor => "2fa",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            Purpose::VerifyEmail,
            Purpose::ChangeEmail,
            Purpose::ResetPassword,
            Purpose::TwoFactor,
        ]
        .into_iter()
        .find(|p| p.as_str() == raw)
    }
}

const LINK_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const LINK_GROUPS: usize = 6;
const LINK_GROUP_LEN: usize = 3;

/// A self-identifying code. Parsing ignores case and dashes, so a code read
/// aloud or retyped still works; the hash is of the canonical form.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkCode(String);

impl LinkCode {
    pub fn generate() -> Self {
        let mut rng = rand::rng();
        let chars: String = (0..LINK_GROUPS * LINK_GROUP_LEN)
            .map(|_| LINK_ALPHABET[rng.random_range(0..LINK_ALPHABET.len())] as char)
            .collect();
        Self(chars)
    }

    /// `None` for anything that cannot be a code: no table read for junk.
    pub fn parse(raw: &str) -> Option<Self> {
        if raw.len() > 64 {
            return None;
        }
        let canonical: String = raw
            .chars()
            .filter(|c| *c != '-')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        (canonical.len() == LINK_GROUPS * LINK_GROUP_LEN
            && canonical.bytes().all(|b| LINK_ALPHABET.contains(&b)))
        .then_some(Self(canonical))
    }

    /// The dashed form sent to the user.
    pub fn expose(&self) -> String {
        self.0
            .as_bytes()
            .chunks(LINK_GROUP_LEN)
            .map(|c| std::str::from_utf8(c).expect("ASCII"))
            .collect::<Vec<_>>()
            .join("-")
    }

    pub fn hash(&self) -> String {
        hash_secret(&format!("link:{}", self.0))
    }
}

impl fmt::Debug for LinkCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkCode(***)")
    }
}

pub const SHORT_CODE_DIGITS: usize = 6;

/// A 6-digit code typed beside a challenge.
#[derive(Clone, PartialEq, Eq)]
pub struct ShortCode(String);

impl ShortCode {
    pub fn generate() -> Self {
        Self(format!("{:06}", rand::rng().random_range(0..1_000_000u32)))
    }

    /// Digits only; a number that lost its leading zeros in transit (the
    /// document's sample sends the code as a JSON number) is padded back.
    pub fn parse(raw: &str) -> Option<Self> {
        if raw.is_empty()
            || raw.len() > SHORT_CODE_DIGITS
            || !raw.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        Some(Self(format!("{raw:0>6}")))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Bound to the challenge: without it the hash cannot be brute-forced.
    pub fn hash(&self, challenge: &Challenge) -> String {
        hash_secret(&format!("short:{}:{}", challenge.0, self.0))
    }
}

impl fmt::Debug for ShortCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ShortCode(***)")
    }
}

/// A login challenge id (the Users API's `sessionHash`): UUID-shaped,
/// 122 random bits.
#[derive(Clone, PartialEq, Eq)]
pub struct Challenge(String);

impl Challenge {
    pub fn generate() -> Self {
        let mut b: [u8; 16] = rand::random();
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h = hex::encode(b);
        Self(format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        ))
    }

    pub fn parse(raw: &str) -> Option<Self> {
        let ok = raw.len() == 36
            && raw.char_indices().all(|(i, c)| match i {
                8 | 13 | 18 | 23 => c == '-',
                _ => c.is_ascii_hexdigit(),
            });
        ok.then(|| Self(raw.to_ascii_lowercase()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> String {
        hash_secret(&format!("challenge:{}", self.0))
    }

    /// The slot's `code_hash` of a TOTP challenge: no short code can hash
    /// to it, so an emailed-code check never matches such a slot.
    pub fn totp_marker(&self) -> String {
        hash_secret(&format!("totp:{}", self.0))
    }
}

impl fmt::Debug for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Challenge(***)")
    }
}

/// Constant-time equality of two stored hashes.
pub fn same_hash(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_codes_round_trip_through_their_sent_form() {
        let c = LinkCode::generate();
        let sent = c.expose();
        assert_eq!(sent.len(), 23);
        assert_eq!(sent.matches('-').count(), 5);
        assert_eq!(LinkCode::parse(&sent).unwrap(), c);
        assert_eq!(
            LinkCode::parse(&sent.to_uppercase()).unwrap().hash(),
            c.hash()
        );
        assert_eq!(LinkCode::parse(&sent.replace('-', "")).unwrap(), c);
        assert_ne!(LinkCode::generate(), c);
        for bad in ["", "xxx-yyy", "xxx-yyy-zzz-111-222-33!", &"a".repeat(65)] {
            assert!(LinkCode::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn short_codes_pad_numbers_and_bind_to_the_challenge() {
        assert_eq!(ShortCode::parse("22625").unwrap().expose(), "022625");
        assert!(ShortCode::parse("1234567").is_none());
        assert!(ShortCode::parse("12a").is_none());
        assert!(ShortCode::parse("").is_none());
        let code = ShortCode::generate();
        assert_eq!(code.expose().len(), 6);
        let (a, b) = (Challenge::generate(), Challenge::generate());
        assert_ne!(code.hash(&a), code.hash(&b));
    }

    #[test]
    fn challenges_are_uuid_shaped() {
        let c = Challenge::generate();
        assert_eq!(Challenge::parse(c.expose()).unwrap(), c);
        assert!(Challenge::parse("0f4e1ea6-9f2f-4239-96ec-64cbfc7e4815").is_some());
        assert!(Challenge::parse("0f4e1ea6-9f2f-4239-96ec-64cbfc7e481").is_none());
        assert!(Challenge::parse("0f4e1ea6x9f2f-4239-96ec-64cbfc7e4815").is_none());
    }

    #[test]
    fn purposes_round_trip() {
        for p in [
            Purpose::VerifyEmail,
            Purpose::ChangeEmail,
            Purpose::ResetPassword,
            Purpose::TwoFactor,
        ] {
            assert_eq!(Purpose::parse(p.as_str()), Some(p));
        }
    }
}
