//! PKCE (RFC 7636), S256 only: `plain` gives no protection against a
//! stolen code and is refused.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub const METHOD: &str = "S256";

/// A challenge is BASE64URL(SHA-256(verifier)): exactly 43 characters.
pub fn is_challenge(raw: &str) -> bool {
    raw.len() == 43
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A verifier is 43 to 128 unreserved characters (§4.1).
pub fn is_verifier(raw: &str) -> bool {
    (43..=128).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

pub fn challenge_of(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Whether `verifier` answers `challenge` (constant-time comparison).
pub fn verify(verifier: &str, challenge: &str) -> bool {
    challenge_of(verifier)
        .as_bytes()
        .ct_eq(challenge.as_bytes())
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_7636_appendix_b() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(is_verifier(verifier));
        assert!(is_challenge(challenge));
        assert_eq!(challenge_of(verifier), challenge);
        assert!(verify(verifier, challenge));
        assert!(!verify("x".repeat(43).as_str(), challenge));
        assert!(!is_verifier("short"));
        assert!(!is_verifier(&"a".repeat(129)));
        assert!(!is_challenge("has space in it padding padding padding pad"));
    }
}
