//! JWT access tokens: ES256, signed with the newest active key of the key
//! ring, `kid` in the header. Verification pins the algorithm, requires
//! `iss`, `aud`, `sub`, `exp`, `iat` and `scope`, and allows a few seconds
//! of clock skew (jsonwebtoken's defaults are 60 s and an optional `aud`;
//! both are overridden here).
//!
//! The private claim `iat_ms` carries the issue instant in milliseconds:
//! the per-user revocation stamp (`tokens_valid_after`) is in milliseconds,
//! and comparing at second granularity would void a token issued in the
//! same second just *after* a logout-all or a password reset.

use super::keyring::KeyCache;
use super::keyring::{KeyError, Signer, ALGORITHM};
use crate::Config;
use domain::scopes::ScopeSet;
use domain::sealed::KeyWrap;
use domain::time;
use domain::{User, UserId};
use jsonwebtoken::{decode, decode_header, encode, DecodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use table::Store;

/// Clock skew tolerated on `exp`.
pub const LEEWAY_SECS: u64 = 5;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccessClaims {
    pub iss: String,
    /// The user's 24-hex id.
    pub sub: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    /// Space-separated scopes.
    pub scope: String,
    /// The OAuth client the token was issued to.
    pub client_id: String,
    /// Unique id of this token.
    pub jti: String,
    /// Issue instant in milliseconds (see the module comment).
    pub iat_ms: i64,
    /// The refresh family (authorization) the token belongs to: revoking
    /// the family (`/oauth/revoke`, reuse detection) voids it at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fid: Option<String>,
}

impl AccessClaims {
    /// The instant compared with `tokens_valid_after`: `iat_ms` when it is
    /// consistent with `iat`, else `iat` at second precision (never later
    /// than the real instant, so never wrongly valid).
    pub fn issued_ms(&self) -> i64 {
        if self.iat_ms.div_euclid(1000) == self.iat {
            self.iat_ms
        } else {
            self.iat.saturating_mul(1000)
        }
    }

    pub fn scopes(&self) -> ScopeSet {
        ScopeSet::parse_lenient(&self.scope)
    }
}

/// An access token as the token endpoint answers it.
#[derive(Debug, Clone)]
pub struct AccessToken {
    pub token: String,
    pub claims: AccessClaims,
    pub expires_in: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum JwtError {
    /// Malformed, badly signed, expired, wrong issuer or audience, unknown
    /// key: one answer to the caller.
    #[error("invalid access token")]
    Invalid,
    #[error(transparent)]
    Keys(#[from] KeyError),
}

/// What issuing and checking access tokens needs: the signing keys (cached
/// per process), the table they live in, and the issuer's settings. Built
/// once per cold start; nothing else of the process is reachable from here.
#[derive(Clone)]
pub struct AccessTokens {
    pub keys: KeyCache,
    store: Store,
    issuer: Arc<str>,
    audience: Arc<str>,
    ttl_secs: i64,
    /// The key service that opens the private key: only a function that
    /// signs has one (`with_signing`); the others verify.
    signing: Option<Arc<dyn KeyWrap>>,
}

impl AccessTokens {
    pub fn new(store: Store, config: &Config) -> Self {
        Self {
            keys: KeyCache::default(),
            store,
            issuer: config.oauth_issuer.as_str().into(),
            audience: config.oauth_audience.as_str().into(),
            ttl_secs: config.access_token_ttl_secs,
            signing: None,
        }
    }

    /// These tokens can be minted: `wrap` opens the sealed private key.
    pub fn with_signing(mut self, wrap: Arc<dyn KeyWrap>) -> Self {
        self.signing = Some(wrap);
        self
    }

    /// The key ring, from the cache while it is fresh.
    pub async fn ring(&self) -> Result<Arc<super::keyring::KeyRing>, KeyError> {
        self.keys.ring(&self.store).await
    }

    /// The active key's signer (opened once per process).
    pub async fn signer(&self) -> Result<Arc<Signer>, KeyError> {
        self.keys.signer(&self.store, self.signing.as_deref()).await
    }
}

/// Signs an access token for `user` with the current key.
pub async fn mint(
    tokens: &AccessTokens,
    user: &UserId,
    client_id: &str,
    scopes: &ScopeSet,
    family_id: Option<&str>,
) -> Result<AccessToken, KeyError> {
    let signer = tokens.signer().await?;
    let now_ms = time::now_ms();
    let ttl = tokens.ttl_secs;
    let claims = AccessClaims {
        iss: tokens.issuer.to_string(),
        sub: user.to_string(),
        aud: tokens.audience.to_string(),
        iat: now_ms.div_euclid(1000),
        exp: now_ms.div_euclid(1000) + ttl,
        scope: scopes.to_string(),
        client_id: client_id.to_owned(),
        jti: hex::encode(rand::random::<[u8; 16]>()),
        iat_ms: now_ms,
        fid: family_id.map(str::to_owned),
    };
    let token = sign(&signer, &claims)?;
    Ok(AccessToken {
        token,
        claims,
        expires_in: ttl,
    })
}

/// Signs a machine-to-machine access token (`client_credentials`): `sub`
/// is the client itself (RFC 9068 §2.2), so no user API takes it (their
/// check wants a user id); resource servers read it through introspection
/// or the JWKS.
pub async fn mint_for_client(
    tokens: &AccessTokens,
    client_id: &str,
    scopes: &ScopeSet,
) -> Result<AccessToken, KeyError> {
    let signer = tokens.signer().await?;
    let now_ms = time::now_ms();
    let claims = AccessClaims {
        iss: tokens.issuer.to_string(),
        sub: client_id.to_owned(),
        aud: tokens.audience.to_string(),
        iat: now_ms.div_euclid(1000),
        exp: now_ms.div_euclid(1000) + tokens.ttl_secs,
        scope: scopes.to_string(),
        client_id: client_id.to_owned(),
        jti: hex::encode(rand::random::<[u8; 16]>()),
        iat_ms: now_ms,
        fid: None,
    };
    Ok(AccessToken {
        token: sign(&signer, &claims)?,
        claims,
        expires_in: tokens.ttl_secs,
    })
}

/// Signature, issuer, audience and expiry of any access token this
/// platform signed, a user's or a client's; `None` for anything else.
pub async fn verify_any(
    tokens: &AccessTokens,
    token: &str,
) -> Result<Option<AccessClaims>, KeyError> {
    verify_ours(tokens, token, &validation(&tokens.issuer, &tokens.audience)).await
}

/// A mint for tests and tools: a token for `user` with exactly `scopes`,
/// through the real signer (client id `test`, no refresh family).
pub async fn mint_for_user(
    tokens: &AccessTokens,
    user: &User,
    scopes: &[&str],
) -> Result<String, KeyError> {
    let scopes = ScopeSet::parse_lenient(&scopes.join(" "));
    Ok(mint(tokens, &user.id, "test", &scopes, None).await?.token)
}

/// Encodes and signs `claims` with `signer` (header: alg, typ, kid).
pub fn sign(signer: &Signer, claims: &AccessClaims) -> Result<String, KeyError> {
    sign_as(signer, "at+jwt", claims)
}

/// Any JWT this platform signs (access tokens, OpenID Connect `id_token`s):
/// ES256 with the ring's key, `typ` as given, low-S.
pub fn sign_as(signer: &Signer, typ: &str, claims: &impl Serialize) -> Result<String, KeyError> {
    let mut header = Header::new(ALGORITHM);
    header.kid = Some(signer.kid.clone());
    header.typ = Some(typ.to_owned());
    encode(&header, claims, &signer.key)
        .map(crate::low_s::normalize)
        .map_err(|_| KeyError::Unreadable(signer.kid.clone()))
}

/// The claims of a JWT this platform signed (any key of the ring, low-S
/// only), checked by `validation`; `None` for anything else.
pub async fn verify_ours<T: serde::de::DeserializeOwned>(
    tokens: &AccessTokens,
    token: &str,
    validation: &Validation,
) -> Result<Option<T>, KeyError> {
    let Ok(header) = decode_header(token) else {
        return Ok(None);
    };
    let Some(kid) = header.kid.filter(|_| header.alg == ALGORITHM) else {
        return Ok(None);
    };
    if !crate::low_s::is_low_s(token) {
        return Ok(None);
    }
    let Some(key) = tokens.keys.verifier(&tokens.store, &kid).await? else {
        return Ok(None);
    };
    Ok(decode::<T>(token, &key, validation).ok().map(|d| d.claims))
}

impl AccessTokens {
    /// The issuer every token of this platform names.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }
}

/// The validation every access token must pass.
fn validation(issuer: &str, audience: &str) -> Validation {
    let mut v = Validation::new(ALGORITHM);
    v.leeway = LEEWAY_SECS;
    v.validate_exp = true;
    v.validate_aud = true;
    v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    v.set_issuer(&[issuer]);
    v.set_audience(&[audience]);
    v
}

/// Checks `token` against one verifying key, issuer and audience.
pub fn check(
    token: &str,
    key: &DecodingKey,
    issuer: &str,
    audience: &str,
) -> Result<AccessClaims, JwtError> {
    // Only the low-S form of a signature is ours (low_s.rs).
    if !crate::low_s::is_low_s(token) {
        return Err(JwtError::Invalid);
    }
    let data = decode::<AccessClaims>(token, key, &validation(issuer, audience))
        .map_err(|_| JwtError::Invalid)?;
    let c = data.claims;
    // `iat` must be sane: not in the future beyond the leeway, not after exp.
    let now = time::now_secs();
    if c.iat > now + LEEWAY_SECS as i64 || c.iat > c.exp || UserId::parse(&c.sub).is_err() {
        return Err(JwtError::Invalid);
    }
    Ok(c)
}

/// Checks signature and claims; says nothing about the user (bearer.rs
/// does that).
pub async fn verify(tokens: &AccessTokens, token: &str) -> Result<AccessClaims, JwtError> {
    let header = decode_header(token).map_err(|_| JwtError::Invalid)?;
    if header.alg != ALGORITHM {
        return Err(JwtError::Invalid);
    }
    let kid = header.kid.ok_or(JwtError::Invalid)?;
    let key = tokens
        .keys
        .verifier(&tokens.store, &kid)
        .await?
        .ok_or(JwtError::Invalid)?;
    check(token, &key, &tokens.issuer, &tokens.audience)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyring::tests::record;
    use crate::keyring::{KeyPair, KeyRing};
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use serde_json::{json, Value};
    use table::KeyStatus;

    const ISS: &str = "http://issuer.test";
    const AUD: &str = "platform-api";

    /// A ring of one active key, and that key's signer.
    struct Keys {
        ring: KeyRing,
        signer: Signer,
    }

    impl Keys {
        fn signer(&self) -> Option<&Signer> {
            Some(&self.signer)
        }
    }

    fn ring() -> Keys {
        let pair = KeyPair::generate();
        Keys {
            ring: KeyRing::from_records(vec![record(&pair, KeyStatus::Active)]).unwrap(),
            signer: pair.signer(),
        }
    }

    fn claims() -> AccessClaims {
        let now_ms = time::now_ms();
        AccessClaims {
            iss: ISS.into(),
            sub: UserId::generate().to_string(),
            aud: AUD.into(),
            iat: now_ms / 1000,
            exp: now_ms / 1000 + 600,
            scope: "delegated:profile:read".into(),
            client_id: "c".into(),
            jti: "j".into(),
            iat_ms: now_ms,
            fid: Some("f".into()),
        }
    }

    fn check_with(keys: &Keys, token: &str) -> Result<AccessClaims, JwtError> {
        let kid = decode_header(token)
            .ok()
            .and_then(|h| h.kid)
            .ok_or(JwtError::Invalid)?;
        let key = keys.ring.verifier(&kid).ok_or(JwtError::Invalid)?;
        check(token, key, ISS, AUD)
    }

    /// A token with `claims` as arbitrary JSON, signed by the ring's signer.
    fn signed_json(ring: &Keys, claims: &Value) -> String {
        let signer = ring.signer().unwrap();
        let mut header = Header::new(ALGORITHM);
        header.kid = Some(signer.kid.clone());
        crate::low_s::normalize(encode(&header, claims, &signer.key).unwrap())
    }

    fn b64(v: &Value) -> String {
        URL_SAFE_NO_PAD.encode(v.to_string())
    }

    #[test]
    fn a_genuine_token_verifies_with_every_claim() {
        let ring = ring();
        let c = claims();
        let token = sign(ring.signer().unwrap(), &c).unwrap();
        let header = decode_header(&token).unwrap();
        assert_eq!(header.alg, ALGORITHM);
        assert_eq!(
            header.kid.as_deref(),
            Some(ring.signer().unwrap().kid.as_str())
        );
        assert_eq!(check_with(&ring, &token).unwrap(), c);
        assert_eq!(c.issued_ms(), c.iat_ms);
    }

    #[test]
    fn alg_none_is_refused() {
        let ring = ring();
        let kid = ring.signer().unwrap().kid.clone();
        let payload = b64(&serde_json::to_value(claims()).unwrap());
        for alg in ["none", "None", "NONE"] {
            let header = b64(&json!({"alg": alg, "typ": "JWT", "kid": kid}));
            for sig in ["", "AAAA"] {
                let token = format!("{header}.{payload}.{sig}");
                assert!(check_with(&ring, &token).is_err(), "{alg} accepted");
            }
        }
    }

    #[test]
    fn hs256_with_the_public_key_as_secret_is_refused() {
        let ring = ring();
        let signer = ring.signer().unwrap();
        let jwk = &ring.ring.jwks()[0];
        let mut header = Header::new(jsonwebtoken::Algorithm::HS256);
        header.kid = Some(signer.kid.clone());
        for secret in [jwk.x.as_bytes(), format!("{}{}", jwk.x, jwk.y).as_bytes()] {
            let token = encode(
                &header,
                &claims(),
                &jsonwebtoken::EncodingKey::from_secret(secret),
            )
            .unwrap();
            assert!(check_with(&ring, &token).is_err());
        }
    }

    #[test]
    fn another_key_with_the_same_kid_is_refused() {
        let ring = ring();
        let mut other = KeyPair::generate();
        other.kid = ring.signer().unwrap().kid.clone();
        let other_ring = Keys {
            ring: KeyRing::from_records(vec![record(&other, KeyStatus::Active)]).unwrap(),
            signer: other.signer(),
        };
        let token = sign(other_ring.signer().unwrap(), &claims()).unwrap();
        assert!(check_with(&ring, &token).is_err());
        assert!(check_with(&other_ring, &token).is_ok());
    }

    #[test]
    fn wrong_audience_issuer_or_subject_is_refused() {
        let ring = ring();
        let signer = ring.signer().unwrap();
        let mut c = claims();
        c.aud = "someone-else".into();
        assert!(check_with(&ring, &sign(signer, &c).unwrap()).is_err());
        let mut c = claims();
        c.iss = "http://evil.test".into();
        assert!(check_with(&ring, &sign(signer, &c).unwrap()).is_err());
        let mut c = claims();
        c.sub = "not-a-user-id".into();
        assert!(check_with(&ring, &sign(signer, &c).unwrap()).is_err());
        // An audience list that does not name us.
        let mut v = serde_json::to_value(claims()).unwrap();
        v["aud"] = json!(["someone-else"]);
        assert!(check_with(&ring, &signed_json(&ring, &v)).is_err());
    }

    #[test]
    fn expired_tokens_are_refused_beyond_a_few_seconds_of_leeway() {
        let ring = ring();
        let signer = ring.signer().unwrap();
        let mut c = claims();
        c.iat -= 700;
        c.iat_ms -= 700_000;
        c.exp = time::now_secs() - 10;
        assert!(check_with(&ring, &sign(signer, &c).unwrap()).is_err());
        // Within the leeway: still accepted (clock skew).
        c.exp = time::now_secs() - 2;
        assert!(check_with(&ring, &sign(signer, &c).unwrap()).is_ok());
        // Issued in the future: refused.
        let mut c = claims();
        c.iat += 120;
        c.iat_ms += 120_000;
        assert!(check_with(&ring, &sign(signer, &c).unwrap()).is_err());
    }

    #[test]
    fn a_tampered_payload_is_refused() {
        let ring = ring();
        let token = sign(ring.signer().unwrap(), &claims()).unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        let mut c = serde_json::to_value(claims()).unwrap();
        c["scope"] = json!("delegated:profile:read admin:profile:write");
        let forged = format!("{}.{}.{}", parts[0], b64(&c), parts[2]);
        assert!(check_with(&ring, &forged).is_err());
        // A flipped signature byte, a truncated token, junk.
        let mut sig = parts[2].to_owned();
        let last = if sig.ends_with('A') { "B" } else { "A" };
        sig.replace_range(sig.len() - 1.., last);
        assert!(check_with(&ring, &format!("{}.{}.{sig}", parts[0], parts[1])).is_err());
        assert!(check_with(&ring, &format!("{}.{}", parts[0], parts[1])).is_err());
        assert!(check_with(&ring, "junk").is_err());
    }

    #[test]
    fn signatures_are_low_s_and_the_high_twin_is_refused() {
        let ring = ring();
        for _ in 0..40 {
            let token = sign(ring.signer().unwrap(), &claims()).unwrap();
            assert!(crate::low_s::is_low_s(&token), "{token}");
            assert!(check_with(&ring, &token).is_ok());
            let twin = crate::low_s::high_twin(&token);
            assert_ne!(twin, token);
            assert!(check_with(&ring, &twin).is_err(), "high-S accepted");
        }
    }

    #[test]
    fn every_required_claim_must_be_present() {
        let ring = ring();
        let full = serde_json::to_value(claims()).unwrap();
        for missing in ["iss", "sub", "aud", "exp", "iat", "scope"] {
            let mut v = full.clone();
            v.as_object_mut().unwrap().remove(missing);
            assert!(
                check_with(&ring, &signed_json(&ring, &v)).is_err(),
                "accepted without {missing}"
            );
        }
        assert!(check_with(&ring, &signed_json(&ring, &full)).is_ok());
    }

    #[test]
    fn issued_ms_never_exceeds_the_second_it_claims() {
        let mut c = claims();
        c.iat_ms = (c.iat + 5) * 1000;
        assert_eq!(c.issued_ms(), c.iat * 1000);
    }
}
