//! One sign-in through a provider: [`start`] makes the authorization
//! request (`state`, PKCE S256, and for OpenID Connect a `nonce`); the
//! caller keeps [`Pending`] bound to the browser (a cookie) and hands the
//! callback to [`finish`], which checks it and says who signed in.

use crate::discovery::{discover, issuer_text};
use crate::id_token;
use crate::transport::{get_json, post_form};
use crate::{ExternalIdentity, FederationError, Protocol, Provider};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use serde_json::Value;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use url::Url;

/// What a started sign-in must remember until its callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub state: String,
    pub verifier: String,
    /// Empty for OAuth 2.0 providers (no `id_token` to bind).
    pub nonce: String,
    pub redirect_uri: String,
}

/// The provider's answer at the redirect URI, as its query says.
#[derive(Debug, Default, Clone)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub iss: Option<String>,
    pub error: Option<String>,
}

fn random() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The authorization URL to send the browser to, and what to remember.
pub async fn start(
    provider: &Provider,
    redirect_uri: &str,
) -> Result<(Url, Pending), FederationError> {
    let (mut url, nonce) = match &provider.protocol {
        Protocol::OpenId { issuer } => {
            let found = discover(issuer, false).await?;
            (found.metadata.authorization_endpoint.clone(), random())
        }
        Protocol::OAuth2 { authorize, .. } => (authorize.clone(), String::new()),
    };
    let pending = Pending {
        state: random(),
        verifier: random(),
        nonce,
        redirect_uri: redirect_uri.to_owned(),
    };
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("response_type", "code")
            .append_pair("client_id", &provider.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("scope", &provider.scope)
            .append_pair("state", &pending.state)
            .append_pair("code_challenge", &challenge(&pending.verifier))
            .append_pair("code_challenge_method", "S256");
        if !pending.nonce.is_empty() {
            q.append_pair("nonce", &pending.nonce);
        }
    }
    Ok((url, pending))
}

fn same(a: &str, b: &str) -> bool {
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Who signed in, if the callback is this sign-in's and the provider
/// proves it.
pub async fn finish(
    provider: &Provider,
    pending: &Pending,
    callback: &Callback,
) -> Result<ExternalIdentity, FederationError> {
    let state = callback.state.as_deref().unwrap_or_default();
    if state.is_empty() || !same(state, &pending.state) {
        return Err(FederationError::StateMismatch);
    }
    if let Some(error) = &callback.error {
        return Err(FederationError::Denied(error.chars().take(64).collect()));
    }
    let code = callback.code.as_deref().filter(|c| !c.is_empty());
    let code = code.ok_or_else(|| FederationError::Denied("no code".into()))?;
    match &provider.protocol {
        Protocol::OpenId { issuer } => openid(provider, issuer, pending, callback, code).await,
        Protocol::OAuth2 {
            token, userinfo, ..
        } => {
            let answer = exchange(provider, token, pending, code).await?;
            let access = access_token(&answer)?;
            let claims = get_json(userinfo, Some(access)).await?;
            ExternalIdentity::from_claims(&claims, &provider.claims)
                .ok_or(FederationError::NoSubject)
        }
    }
}

async fn openid(
    provider: &Provider,
    issuer: &Url,
    pending: &Pending,
    callback: &Callback,
    code: &str,
) -> Result<ExternalIdentity, FederationError> {
    let found = discover(issuer, false).await?;
    let meta = found.metadata.clone();
    // RFC 9207: a provider that names itself must name itself.
    match &callback.iss {
        Some(iss) if iss != &meta.issuer => return Err(FederationError::WrongIssuer),
        None if meta.authorization_response_iss_parameter_supported => {
            return Err(FederationError::WrongIssuer)
        }
        _ => {}
    }
    let answer = exchange(provider, &meta.token_endpoint, pending, code).await?;
    let token = answer
        .get("id_token")
        .and_then(Value::as_str)
        .ok_or_else(|| FederationError::InvalidIdToken("the answer has none".into()))?;
    let keys = match id_token::names_known_key(token, &found.keys) {
        true => found,
        false => discover(issuer, true).await?,
    };
    let mut claims = id_token::verify(
        token,
        &keys.keys,
        &meta.issuer,
        &provider.client_id,
        &pending.nonce,
    )?;
    // Some providers keep the address out of the id_token: ask userinfo,
    // for the same subject only.
    if claims.get("email").is_none() {
        if let (Some(userinfo), Ok(access)) = (&meta.userinfo_endpoint, access_token(&answer)) {
            if let Ok(info) = get_json(userinfo, Some(access)).await {
                merge_same_subject(&mut claims, info);
            }
        }
    }
    ExternalIdentity::from_claims(&claims, &provider.claims).ok_or(FederationError::NoSubject)
}

fn merge_same_subject(claims: &mut Value, info: Value) {
    let same_sub = info.get("sub").is_some() && info.get("sub") == claims.get("sub");
    if let (true, Some(target), Value::Object(info)) = (same_sub, claims.as_object_mut(), info) {
        for (k, v) in info {
            target.entry(k).or_insert(v);
        }
    }
}

fn access_token(answer: &Value) -> Result<&str, FederationError> {
    answer
        .get("access_token")
        .and_then(Value::as_str)
        .ok_or_else(|| FederationError::Unreachable("the token answer has no access_token".into()))
}

/// The code redeemed at the token endpoint (with the PKCE verifier).
async fn exchange(
    provider: &Provider,
    token: &Url,
    pending: &Pending,
    code: &str,
) -> Result<Value, FederationError> {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", pending.redirect_uri.as_str()),
        ("code_verifier", pending.verifier.as_str()),
    ];
    let basic = match &provider.client_secret {
        Some(secret) => Some((provider.client_id.as_str(), secret.as_str())),
        None => {
            form.push(("client_id", provider.client_id.as_str()));
            None
        }
    };
    let (status, answer) = post_form(token, &form, basic).await?;
    if let Some(error) = answer.get("error").and_then(Value::as_str) {
        return Err(FederationError::Denied(error.chars().take(64).collect()));
    }
    if !(200..300).contains(&status) {
        return Err(FederationError::Unreachable(format!(
            "the token endpoint answered {status}"
        )));
    }
    Ok(answer)
}

/// The issuer a provider is configured with, as text (for the docs' and
/// the pages' messages).
pub fn issuer_of(provider: &Provider) -> Option<&str> {
    match &provider.protocol {
        Protocol::OpenId { issuer } => Some(issuer_text(issuer)),
        Protocol::OAuth2 { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_matches_rfc_7636_appendix_b() {
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[tokio::test]
    async fn a_callback_of_another_browser_is_refused_before_any_call() {
        let settings = [
            ("client_id", "c"),
            ("authorization_endpoint", "https://a.example/auth"),
            ("token_endpoint", "https://a.example/token"),
            ("userinfo_endpoint", "https://a.example/me"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let provider = Provider::from_settings("reddit", &settings).unwrap();
        let (url, pending) = start(&provider, "https://platform.example/cb")
            .await
            .unwrap();
        assert!(url.as_str().contains("code_challenge_method=S256"));
        assert!(
            !url.as_str().contains("nonce="),
            "OAuth 2.0: no id_token to bind"
        );
        let forged = Callback {
            code: Some("x".into()),
            state: Some("other".into()),
            ..Callback::default()
        };
        assert_eq!(
            finish(&provider, &pending, &forged).await,
            Err(FederationError::StateMismatch)
        );
        let missing = Callback {
            code: Some("x".into()),
            ..Callback::default()
        };
        assert_eq!(
            finish(&provider, &pending, &missing).await,
            Err(FederationError::StateMismatch)
        );
        let denied = Callback {
            state: Some(pending.state.clone()),
            error: Some("access_denied".into()),
            ..Callback::default()
        };
        assert_eq!(
            finish(&provider, &pending, &denied).await,
            Err(FederationError::Denied("access_denied".into()))
        );
    }
}
