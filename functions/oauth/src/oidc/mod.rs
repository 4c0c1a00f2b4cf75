//! OpenID Connect on top of the authorization server (Core 1.0,
//! Discovery 1.0, RP-Initiated Logout 1.0): the `id_token`, the claims
//! `/userinfo` answers with, and the session id (`sid`) both name.

pub mod claims;
pub mod id_token;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The `sid` of a cookie session, from the hash the grant records: stable
/// for the session, and no key to any item of the table.
pub fn session_id(session_hash: &str) -> String {
    let digest = Sha256::digest(format!("sid:{session_hash}").as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..16])
}

/// `acr` for a sign-in proven by `amr`: two levels, documented in
/// docs/api/oauth.md.
pub fn acr(amr: &[String]) -> &'static str {
    if amr.iter().any(|m| m == "mfa") {
        ACR_MFA
    } else {
        ACR_PASSWORD
    }
}

pub const ACR_PASSWORD: &str = "urn:platform:acr:password";
pub const ACR_MFA: &str = "urn:platform:acr:mfa";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sid_is_stable_and_not_the_hash() {
        let a = session_id("abc");
        assert_eq!(a, session_id("abc"));
        assert_ne!(a, session_id("abd"));
        assert_eq!(a.len(), 22);
        assert!(!a.contains("abc"));
    }

    #[test]
    fn acr_follows_amr() {
        assert_eq!(acr(&["pwd".into()]), ACR_PASSWORD);
        assert_eq!(acr(&[]), ACR_PASSWORD);
        assert_eq!(acr(&["pwd".into(), "otp".into(), "mfa".into()]), ACR_MFA);
    }
}
