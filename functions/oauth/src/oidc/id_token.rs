//! The `id_token` (OpenID Connect Core §2, §3.1.3.6): ES256 with the same
//! key ring as access tokens, `aud` the client, `at_hash` binding the
//! access token it came with.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use domain::{time, UserId};
use identity::jwt::{self, AccessTokens};
use identity::keyring::{KeyError, ALGORITHM};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use table::SignInFacts;

/// Lifetime of an `id_token`: it proves a sign-in to the client once, at
/// the token response; it is no access credential.
pub const TTL_SECS: i64 = 600;

#[derive(Debug, Serialize, Deserialize)]
pub struct IdClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acr: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amr: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    pub azp: String,
}

/// What an `id_token` states besides the user and the client.
pub struct Facts<'a> {
    pub sign_in: &'a SignInFacts,
    pub nonce: Option<&'a str>,
    /// The cookie session's hash the grant records.
    pub session: Option<&'a str>,
}

/// `at_hash`: the left half of SHA-256 of the access token (ES256 hashes
/// with SHA-256), base64url.
pub fn at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..16])
}

pub async fn mint(
    tokens: &AccessTokens,
    user: &UserId,
    client_id: &str,
    facts: Facts<'_>,
    access_token: &str,
) -> Result<String, KeyError> {
    let signer = tokens.signer().await?;
    let now = time::now_secs();
    // Sessions from before `amr` was kept were password sign-ins.
    let amr = match facts.sign_in.amr.is_empty() {
        true => vec!["pwd".to_owned()],
        false => facts.sign_in.amr.clone(),
    };
    let claims = IdClaims {
        iss: tokens.issuer().to_owned(),
        sub: user.to_string(),
        aud: client_id.to_owned(),
        exp: now + TTL_SECS,
        iat: now,
        auth_time: facts.sign_in.auth_time,
        nonce: facts.nonce.map(str::to_owned),
        acr: Some(super::acr(&amr).to_owned()),
        amr,
        at_hash: Some(at_hash(access_token)),
        sid: facts.session.map(super::session_id),
        azp: client_id.to_owned(),
    };
    jwt::sign_as(&signer, "JWT", &claims)
}

/// The claims of an `id_token` this server issued to some client, expired
/// or not (RP-initiated logout takes an old one as a hint).
pub async fn read_hint(tokens: &AccessTokens, token: &str) -> Result<Option<IdClaims>, KeyError> {
    let mut v = jsonwebtoken::Validation::new(ALGORITHM);
    v.validate_exp = false;
    v.validate_aud = false;
    v.set_required_spec_claims(&["iss", "sub", "aud"]);
    v.set_issuer(&[tokens.issuer()]);
    jwt::verify_ours(tokens, token, &v).await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of OpenID Connect Core §A.3 / the conformance suite:
    /// SHA-256 left half, base64url.
    #[test]
    fn at_hash_is_the_left_half_of_sha256() {
        let h = at_hash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y");
        assert_eq!(h.len(), 22);
        let full = Sha256::digest(b"jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y");
        assert_eq!(URL_SAFE_NO_PAD.decode(&h).unwrap(), full[..16].to_vec());
    }
}
