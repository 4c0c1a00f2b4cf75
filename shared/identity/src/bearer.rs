//! `Authorization: Bearer <jwt>` on the delegated surfaces: the token's
//! signature and claims, then its user, who must exist, not be banned, and
//! not have voided tokens issued before this one (logout-all, password
//! reset, ban and forced logout move `tokens_valid_after`; the check runs on
//! every request, so they take effect on the next one).
//!
//! Surfaces map `BearerError` to their own envelope: `status()` is 401 for
//! a missing, invalid or voided token and 403 for a missing scope, and
//! `www_authenticate()` gives the RFC 6750 challenge to send with it.

use super::jwt::{self, AccessClaims, AccessTokens, JwtError};
use super::keyring::KeyError;
use domain::scopes::ScopeSet;
use domain::{User, UserId};
use http::header::AUTHORIZATION;
use http::{HeaderMap, HeaderValue, StatusCode};
use table::{Store, StoreError};

/// Who a valid access token speaks for, and what it may do.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: User,
    pub scopes: ScopeSet,
    pub claims: AccessClaims,
}

impl Principal {
    /// `Ok` when the token carries `scope`, else `MissingScope` (a 403).
    pub fn require(&self, scope: &'static str) -> Result<(), BearerError> {
        if self.scopes.contains(scope) {
            Ok(())
        } else {
            Err(BearerError::MissingScope(scope))
        }
    }

    /// The client the token was issued to.
    pub fn client_id(&self) -> &str {
        &self.claims.client_id
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BearerError {
    /// No `Authorization: Bearer` header.
    #[error("missing bearer token")]
    Missing,
    /// Malformed, badly signed, expired, voided, or its user is gone or
    /// banned: one answer, so a caller learns nothing about which.
    #[error("invalid, expired or revoked access token")]
    Invalid,
    /// Valid token without the scope the endpoint needs.
    #[error("the access token lacks the scope {0}")]
    MissingScope(&'static str),
    /// The table or the key ring failed: the surface's internal error.
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Keys(KeyError),
}

impl BearerError {
    /// 401 for missing / invalid, 403 for a missing scope, 500 otherwise.
    pub fn status(&self) -> StatusCode {
        match self {
            BearerError::Missing | BearerError::Invalid => StatusCode::UNAUTHORIZED,
            BearerError::MissingScope(_) => StatusCode::FORBIDDEN,
            BearerError::Store(_) | BearerError::Keys(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Whether this is the client's fault (401/403) rather than ours.
    pub fn is_internal(&self) -> bool {
        matches!(self, BearerError::Store(_) | BearerError::Keys(_))
    }

    /// The `WWW-Authenticate` value to send with a 401 / 403 (RFC 6750 §3).
    pub fn www_authenticate(&self) -> Option<HeaderValue> {
        let value = match self {
            BearerError::Missing => "Bearer".to_owned(),
            BearerError::Invalid => r#"Bearer error="invalid_token""#.to_owned(),
            BearerError::MissingScope(scope) => {
                format!(r#"Bearer error="insufficient_scope", scope="{scope}""#)
            }
            BearerError::Store(_) | BearerError::Keys(_) => return None,
        };
        HeaderValue::from_str(&value).ok()
    }
}

impl From<KeyError> for BearerError {
    fn from(e: KeyError) -> Self {
        match e {
            KeyError::Store(s) => BearerError::Store(s),
            other => BearerError::Keys(other),
        }
    }
}

impl From<JwtError> for BearerError {
    fn from(e: JwtError) -> Self {
        match e {
            JwtError::Invalid => BearerError::Invalid,
            JwtError::Keys(k) => k.into(),
        }
    }
}

/// The raw token of an `Authorization: Bearer …` header (scheme matched
/// case-insensitively, RFC 7235), if there is exactly one such header.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let value = values.next()?.to_str().ok()?;
    if values.next().is_some() {
        return None;
    }
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The principal of the request's bearer token: verify the JWT (no table
/// read while the key ring is cached), then one round trip: the user (the
/// revocation stamp, the ban flag) and, beside it, the token's refresh
/// family (revoked by `/oauth/revoke` or reuse detection).
pub async fn authenticate(
    tokens: &AccessTokens,
    store: &Store,
    headers: &HeaderMap,
) -> Result<Principal, BearerError> {
    let claims = verified_claims(tokens, headers).await?;
    principal(store, claims).await
}

/// The bearer check and a request's first reads in one round trip: once
/// the JWT verifies (no table read while the key ring is cached) its
/// subject is known, so `reads` for that user run beside the check of the
/// user item and the refresh family. Nothing `reads` found is returned
/// unless the token holds `scope`: a bad token learns nothing. Every
/// surface that reads beside its bearer check goes through here.
pub async fn authenticate_with<T, Fut>(
    tokens: &AccessTokens,
    store: &Store,
    headers: &HeaderMap,
    scope: &'static str,
    reads: impl FnOnce(UserId) -> Fut,
) -> Result<(Principal, T), BearerError>
where
    Fut: std::future::Future<Output = T>,
{
    let claims = verified_claims(tokens, headers).await?;
    let subject = UserId::parse(&claims.sub).map_err(|_| BearerError::Invalid)?;
    let (principal, found) = tokio::join!(principal(store, claims), reads(subject));
    let principal = principal?;
    principal.require(scope)?;
    Ok((principal, found))
}

/// The request's access token, signature and claims checked.
async fn verified_claims(
    tokens: &AccessTokens,
    headers: &HeaderMap,
) -> Result<AccessClaims, BearerError> {
    if headers.get(AUTHORIZATION).is_none() {
        return Err(BearerError::Missing);
    }
    let raw = bearer_token(headers).ok_or(BearerError::Invalid)?;
    Ok(jwt::verify(tokens, raw).await?)
}

/// Who verified `claims` speak for: the user must exist, not be banned and
/// not have voided the token; its refresh family must be live and theirs.
pub async fn principal(store: &Store, claims: AccessClaims) -> Result<Principal, BearerError> {
    let id = UserId::parse(&claims.sub).map_err(|_| BearerError::Invalid)?;
    let family = async {
        match &claims.fid {
            Some(fid) => store.get_refresh_family(fid).await,
            None => Ok(None),
        }
    };
    let (user, family) = tokio::join!(store.get_user(&id), family);
    let user = user?.ok_or(BearerError::Invalid)?;
    if user.banned || claims.issued_ms() < user.tokens_valid_after {
        return Err(BearerError::Invalid);
    }
    if claims.fid.is_some() {
        match family? {
            Some(f) if !f.revoked && f.user_id == user.id => {}
            _ => return Err(BearerError::Invalid),
        }
    }
    Ok(Principal {
        user,
        scopes: claims.scopes(),
        claims,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(AUTHORIZATION, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn reads_the_bearer_scheme_only() {
        assert_eq!(bearer_token(&headers(&["Bearer abc"])), Some("abc"));
        assert_eq!(bearer_token(&headers(&["bearer abc"])), Some("abc"));
        assert_eq!(bearer_token(&headers(&["Basic abc"])), None);
        assert_eq!(bearer_token(&headers(&["Bearer "])), None);
        assert_eq!(bearer_token(&headers(&["Bearer"])), None);
        assert_eq!(bearer_token(&headers(&["Bearer a", "Bearer b"])), None);
        assert_eq!(bearer_token(&HeaderMap::new()), None);
    }

    #[test]
    fn statuses_and_challenges() {
        assert_eq!(BearerError::Missing.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(BearerError::Invalid.status(), StatusCode::UNAUTHORIZED);
        let scope = BearerError::MissingScope("delegated:profile:read");
        assert_eq!(scope.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            scope.www_authenticate().unwrap(),
            r#"Bearer error="insufficient_scope", scope="delegated:profile:read""#
        );
    }
}
