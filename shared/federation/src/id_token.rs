//! An OpenID provider's `id_token`, checked as Core 1.0 §3.1.3.7 says:
//! signed by one of the issuer's keys with an asymmetric algorithm (never
//! `none` nor a MAC), `iss` the issuer, `aud` this client, not expired
//! (a minute's leeway for clocks), and the `nonce` this sign-in sent.

use crate::FederationError;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use serde_json::Value;
use subtle::ConstantTimeEq;

const ALLOWED: &[Algorithm] = &[
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

fn invalid(why: impl std::fmt::Display) -> FederationError {
    FederationError::InvalidIdToken(why.to_string())
}

/// Whether `keys` has the key `token` names (else the set is refetched).
pub fn names_known_key(token: &str, keys: &JwkSet) -> bool {
    match decode_header(token).ok().and_then(|h| h.kid) {
        Some(kid) => keys.find(&kid).is_some(),
        None => true,
    }
}

/// The token's claims, if it passes every check.
pub fn verify(
    token: &str,
    keys: &JwkSet,
    issuer: &str,
    client_id: &str,
    nonce: &str,
) -> Result<Value, FederationError> {
    let header = decode_header(token).map_err(invalid)?;
    if !ALLOWED.contains(&header.alg) {
        return Err(invalid(format!(
            "{:?} is not an allowed algorithm",
            header.alg
        )));
    }
    let jwk = match &header.kid {
        Some(kid) => keys.find(kid),
        None if keys.keys.len() == 1 => keys.keys.first(),
        None => None,
    }
    .ok_or_else(|| invalid("signed with an unknown key"))?;
    let key = DecodingKey::from_jwk(jwk).map_err(invalid)?;
    let mut rules = Validation::new(header.alg);
    rules.leeway = 60;
    rules.set_issuer(&[issuer]);
    rules.set_audience(&[client_id]);
    rules.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    let claims = decode::<Value>(token, &key, &rules)
        .map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidIssuer => FederationError::WrongIssuer,
            _ => invalid(e),
        })?
        .claims;
    let sent = claims
        .get("nonce")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !bool::from(sent.as_bytes().ct_eq(nonce.as_bytes())) || nonce.is_empty() {
        return Err(FederationError::NonceMismatch);
    }
    Ok(claims)
}
