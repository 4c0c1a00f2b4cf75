//! API keys for backend callers (`X-API-Key`): created by an operator with a
//! name and permissions, shown once, stored only as a SHA-256 hash (the key
//! carries 190 bits from the CSPRNG, so a fast hash is enough and lookups go
//! by hash). Surface-neutral: `authorize` returns a typed error and each
//! surface maps it to its own envelope (401 for missing/unknown/revoked, 403
//! for a missing permission).

use domain::opaque::{hash_secret, OpaqueToken};
pub use domain::Permission;
use http::HeaderMap;
use std::fmt;
use table::{ApiKeyRecord, Store, StoreError};

pub const HEADER: &str = "x-api-key";
/// Marks the string as a platform API key (for secret scanners and humans).
pub const PREFIX: &str = "plk_";

/// Why a request's key does not let it through.
#[derive(Debug, thiserror::Error)]
pub enum ApiKeyError {
    #[error("no API key given")]
    Missing,
    /// Malformed, unknown and revoked keys look alike to the caller.
    #[error("invalid API key")]
    Invalid,
    #[error("the API key lacks the {} permission", .0.as_str())]
    Forbidden(Permission),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A presented or freshly generated key. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn generate() -> Self {
        Self(format!("{PREFIX}{}", OpaqueToken::generate().expose()))
    }

    /// `None` for anything that cannot be a key: no table read for junk.
    pub fn parse(raw: &str) -> Option<Self> {
        let rest = raw.strip_prefix(PREFIX)?;
        OpaqueToken::parse(rest).map(|_| Self(raw.to_owned()))
    }

    /// The key the request carries in `X-API-Key`.
    pub fn from_headers(headers: &HeaderMap) -> Result<Self, ApiKeyError> {
        let raw = headers.get(HEADER).ok_or(ApiKeyError::Missing)?;
        let raw = raw.to_str().map_err(|_| ApiKeyError::Invalid)?.trim();
        if raw.is_empty() {
            return Err(ApiKeyError::Missing);
        }
        Self::parse(raw).ok_or(ApiKeyError::Invalid)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> String {
        hash_secret(&self.0)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

/// The key's record if it is live and holds `needed` (one GetItem).
pub async fn authorize(
    store: &Store,
    key: &ApiKey,
    needed: Permission,
) -> Result<ApiKeyRecord, ApiKeyError> {
    match store.get_api_key(&key.hash()).await? {
        Some(record) if record.revoked_at.is_none() => {
            if record.allows(needed) {
                Ok(record)
            } else {
                Err(ApiKeyError::Forbidden(needed))
            }
        }
        _ => Err(ApiKeyError::Invalid),
    }
}

/// Creates a key; the returned `ApiKey` is the only time it is visible.
pub async fn create(
    store: &Store,
    name: &str,
    permissions: Vec<Permission>,
) -> Result<(ApiKey, ApiKeyRecord), StoreError> {
    let key = ApiKey::generate();
    let record = ApiKeyRecord {
        id: hex::encode(rand::random::<[u8; 8]>()),
        name: name.to_owned(),
        permissions,
        created_at: domain::time::now(),
        revoked_at: None,
    };
    store.put_api_key(&key.hash(), &record).await?;
    Ok((key, record))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_have_a_prefix_and_parse_back() {
        let k = ApiKey::generate();
        assert!(k.expose().starts_with(PREFIX));
        assert_eq!(ApiKey::parse(k.expose()), Some(k.clone()));
        assert!(!format!("{k:?}").contains(&k.expose()[4..]));
        for junk in [
            "",
            "plk_",
            "plk_short",
            &k.expose()[4..],
            "xyz_cQY85mgmSxZl9G3t1B5ZpbsmWWj0bMxb",
        ] {
            assert!(ApiKey::parse(junk).is_none(), "{junk}");
        }
    }

    #[test]
    fn permissions_parse_and_map_methods() {
        assert_eq!(
            Permission::parse_list("write, read,write"),
            Ok(vec![Permission::Read, Permission::Write])
        );
        assert!(Permission::parse_list("admin").is_err());
        assert!(Permission::parse_list(" , ").is_err());
        assert_eq!(Permission::for_method("GET"), Permission::Read);
        assert_eq!(Permission::for_method("PATCH"), Permission::Write);
    }
}
