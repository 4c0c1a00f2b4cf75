//! Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA-1,
//! 6 digits, 30-second steps, the step before and after accepted for clock
//! drift. HMAC comes from aws-lc-rs, which the build already has for JWTs,
//! so no extra crate. Recovery codes for a lost authenticator live here too.

use super::codes::same_hash;
use super::opaque::hash_secret;
use crate::UserId;
use aws_lc_rs::hmac;
use rand::Rng;
use std::fmt;

pub const STEP_SECS: i64 = 30;
pub const DIGITS: u32 = 6;
/// Steps either side of now that still count (RFC 6238 §5.2).
const DRIFT_STEPS: i64 = 1;
/// 160 bits, the HMAC-SHA-1 block-friendly size RFC 4226 §4 recommends.
const SECRET_BYTES: usize = 20;
pub const RECOVERY_CODES: usize = 10;

/// HOTP (RFC 4226 §5.3): dynamic truncation of HMAC-SHA-1(secret, counter).
fn hotp(secret: &[u8], counter: u64, digits: u32) -> u32 {
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret);
    let mac = hmac::sign(&key, &counter.to_be_bytes());
    let mac = mac.as_ref();
    let offset = (mac[mac.len() - 1] & 0x0f) as usize;
    let bin = u32::from_be_bytes([
        mac[offset],
        mac[offset + 1],
        mac[offset + 2],
        mac[offset + 3],
    ]) & 0x7fff_ffff;
    bin % 10u32.pow(digits)
}

pub fn step_of(unix_secs: i64) -> i64 {
    unix_secs.div_euclid(STEP_SECS)
}

/// The 6-digit code of `secret` at `unix_secs` (what an authenticator shows).
pub fn totp_at(secret: &[u8], unix_secs: i64) -> String {
    code_of_step(secret, step_of(unix_secs))
}

fn code_of_step(secret: &[u8], step: i64) -> String {
    format!(
        "{:0width$}",
        hotp(secret, step as u64, DIGITS),
        width = DIGITS as usize
    )
}

/// The step whose code `code` is, among now ±1, and only if it is newer than
/// `last_step` (a code works once). The caller must still store the step
/// under the condition `last_step < step`: that write is the proof.
pub fn accepted_step(secret: &[u8], code: &str, now_secs: i64, last_step: i64) -> Option<i64> {
    let now = step_of(now_secs);
    // Every candidate is computed and compared, so timing says nothing.
    let mut found = None;
    for step in (now - DRIFT_STEPS)..=(now + DRIFT_STEPS) {
        if same_hash(&code_of_step(secret, step), code) && step > last_step && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// A TOTP shared secret.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl TotpSecret {
    pub fn generate() -> Self {
        Self(rand::random::<[u8; SECRET_BYTES]>().to_vec())
    }

    /// The stored / shown form: RFC 4648 base32 without padding.
    pub fn parse(base32: &str) -> Option<Self> {
        base32_decode(base32).map(Self)
    }

    pub fn base32(&self) -> String {
        base32_encode(&self.0)
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// The Key Uri Format authenticator apps read from a QR code.
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        let (issuer, account) = (uri_escape(issuer), uri_escape(account));
        format!(
            "otpauth://totp/{issuer}:{account}?secret={}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
            self.base32()
        )
    }
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(***)")
    }
}

fn uri_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn base32_encode(data: &[u8]) -> String {
    let mut out = String::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for &b in data {
        buf = (buf << 8) | b as u32;
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(BASE32[((buf >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(BASE32[((buf << (5 - bits)) & 31) as usize] as char);
    }
    out
}

fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in s.trim_end_matches('=').bytes() {
        let v = BASE32.iter().position(|&a| a == c.to_ascii_uppercase())? as u32;
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    Some(out)
}

/// Recovery code alphabet: lowercase base32 without 0/1/8/9 lookalikes.
const RECOVERY_ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
const RECOVERY_LEN: usize = 16;

/// A single-use recovery code, `xxxx-xxxx-xxxx-xxxx` (80 bits: the stored
/// hash cannot be reversed by trying codes). Case and dashes are ignored.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(String);

impl RecoveryCode {
    pub fn generate() -> Self {
        let mut rng = rand::rng();
        Self(
            (0..RECOVERY_LEN)
                .map(|_| RECOVERY_ALPHABET[rng.random_range(0..32)] as char)
                .collect(),
        )
    }

    pub fn parse(raw: &str) -> Option<Self> {
        if raw.len() > 64 {
            return None;
        }
        let c: String = raw
            .chars()
            .filter(|c| *c != '-')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        (c.len() == RECOVERY_LEN && c.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)))
            .then_some(Self(c))
    }

    pub fn expose(&self) -> String {
        self.0
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).expect("ASCII"))
            .collect::<Vec<_>>()
            .join("-")
    }

    /// Salted with the user, so one table of hashes serves one account only.
    pub fn hash(&self, user: &UserId) -> String {
        hash_secret(&format!("recovery:{}:{}", user.as_str(), self.0))
    }
}

impl fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCode(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc6238_sha1_vectors() {
        // RFC 6238 Appendix B (8 digits, SHA-1).
        for (t, want) in [
            (59, 94287082),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            assert_eq!(hotp(RFC_SECRET, step_of(t) as u64, 8), want, "{t}");
            // The 6-digit code is the same truncation mod 10^6.
            assert_eq!(totp_at(RFC_SECRET, t), format!("{:06}", want % 1_000_000));
        }
    }

    #[test]
    fn rfc4226_hotp_vectors() {
        let want = [755224, 287082, 359152, 969429, 338314];
        for (c, w) in want.into_iter().enumerate() {
            assert_eq!(hotp(RFC_SECRET, c as u64, 6), w);
        }
    }

    #[test]
    fn accepts_one_step_of_drift_and_never_an_old_step() {
        let now = 1_700_000_000;
        let step = step_of(now);
        let prev = totp_at(RFC_SECRET, now - 30);
        assert_eq!(accepted_step(RFC_SECRET, &prev, now, 0), Some(step - 1));
        let next = totp_at(RFC_SECRET, now + 30);
        assert_eq!(accepted_step(RFC_SECRET, &next, now, 0), Some(step + 1));
        let old = totp_at(RFC_SECRET, now - 60);
        assert_eq!(accepted_step(RFC_SECRET, &old, now, 0), None);
        let cur = totp_at(RFC_SECRET, now);
        assert_eq!(accepted_step(RFC_SECRET, &cur, now, step), None);
    }

    #[test]
    fn base32_round_trips_rfc4648_vectors() {
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_decode("MZXW6YTBOI======").unwrap(), b"foobar");
        let s = TotpSecret::generate();
        assert_eq!(s.base32().len(), 32);
        assert_eq!(TotpSecret::parse(&s.base32()).unwrap(), s);
        assert!(TotpSecret::parse("not base32!").is_none());
        let uri = s.otpauth_uri("My App", "john_doe");
        assert!(uri.starts_with("otpauth://totp/My%20App:john_doe?secret="));
    }

    #[test]
    fn recovery_codes_parse_their_shown_form() {
        let c = RecoveryCode::generate();
        assert_eq!(c.expose().len(), 19);
        assert_eq!(RecoveryCode::parse(&c.expose().to_uppercase()).unwrap(), c);
        for bad in ["", "123456", "12ab", "abcd-efgh-ijkl-mno1"] {
            assert!(RecoveryCode::parse(bad).is_none(), "{bad}");
        }
    }
}
