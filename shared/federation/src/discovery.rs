//! An OpenID provider's discovery document and keys (Discovery 1.0),
//! kept for ten minutes per warm process; the keys are fetched again at
//! once when a token names a key the cached set lacks (a rotation).

use crate::transport::get_json;
use crate::FederationError;
use jsonwebtoken::jwk::JwkSet;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use url::Url;

const FRESH_FOR: Duration = Duration::from_secs(600);

#[derive(Debug, Clone, Deserialize)]
pub struct Metadata {
    pub issuer: String,
    pub authorization_endpoint: Url,
    pub token_endpoint: Url,
    pub userinfo_endpoint: Option<Url>,
    pub jwks_uri: Url,
    /// RFC 9207: the provider names itself in the authorization response.
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
}

#[derive(Debug)]
pub struct Discovered {
    pub metadata: Metadata,
    pub keys: JwkSet,
}

type Cache = Mutex<HashMap<String, (Instant, Arc<Discovered>)>>;
static CACHE: std::sync::LazyLock<Cache> = std::sync::LazyLock::new(Default::default);

/// The issuer as configured, without the slash `Url` adds to a bare host.
pub fn issuer_text(issuer: &Url) -> &str {
    let text = issuer.as_str();
    match issuer.path() {
        "/" => text.trim_end_matches('/'),
        _ => text,
    }
}

async fn fetch(issuer: &Url) -> Result<Discovered, FederationError> {
    let base = issuer_text(issuer).trim_end_matches('/');
    let well_known = Url::parse(&format!("{base}/.well-known/openid-configuration"))
        .map_err(|e| FederationError::NotConfigured(e.to_string()))?;
    let metadata: Metadata = serde_json::from_value(get_json(&well_known, None).await?)
        .map_err(|e| FederationError::Unreachable(format!("discovery: {e}")))?;
    // Discovery §4.3: the document must be the configured issuer's own.
    if metadata.issuer.trim_end_matches('/') != base {
        return Err(FederationError::WrongIssuer);
    }
    let keys = serde_json::from_value(get_json(&metadata.jwks_uri, None).await?)
        .map_err(|e| FederationError::Unreachable(format!("jwks: {e}")))?;
    Ok(Discovered { metadata, keys })
}

/// The provider's metadata and keys; `refresh` skips the cache (a token
/// signed with a key the cached set does not have).
pub async fn discover(issuer: &Url, refresh: bool) -> Result<Arc<Discovered>, FederationError> {
    let key = issuer.as_str().to_owned();
    if !refresh {
        let cached = CACHE.lock().ok().and_then(|c| c.get(&key).cloned());
        if let Some((_, found)) = cached.filter(|(at, _)| at.elapsed() < FRESH_FOR) {
            return Ok(found);
        }
    }
    let found = Arc::new(fetch(issuer).await?);
    if let Ok(mut cache) = CACHE.lock() {
        cache.insert(key, (Instant::now(), found.clone()));
    }
    Ok(found)
}
