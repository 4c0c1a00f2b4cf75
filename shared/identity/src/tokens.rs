use domain::time;
use domain::OpaqueToken;
use domain::{User, UserId};
use table::{Store, StoreError, TokenRecord};

/// Why a presented token does not authenticate. Every cause is one answer
/// to the caller (401): unknown, expired, revoked and malformed look alike.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("invalid or expired token")]
    InvalidToken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct IssuedToken {
    pub token: OpaqueToken,
    pub hash: String,
    pub record: TokenRecord,
}

pub fn issue(kind: &str, user: &UserId, ttl_secs: i64) -> IssuedToken {
    let token = OpaqueToken::generate();
    let now_ms = time::now_ms();
    IssuedToken {
        hash: token.hash(),
        token,
        record: TokenRecord {
            kind: kind.to_owned(),
            user_id: user.clone(),
            issued_at: now_ms,
            expires_at: now_ms / 1000 + ttl_secs,
            amr: Vec::new(),
        },
    }
}

/// Finds the live token of `kind` that `raw` names (one read).
pub async fn resolve(store: &Store, raw: &str, kind: &str) -> Result<TokenRecord, AuthError> {
    let token = OpaqueToken::parse(raw).ok_or(AuthError::InvalidToken)?;
    match store.get_token(&token.hash()).await? {
        Some(rec) if rec.kind == kind && !rec.is_expired(time::now_secs()) => Ok(rec),
        _ => Err(AuthError::InvalidToken),
    }
}

/// The token's holder, if the token still speaks for them: the user exists,
/// is not banned, and has not voided tokens issued before this one.
pub fn check_holder(user: Option<User>, record: &TokenRecord) -> Result<User, AuthError> {
    match user {
        Some(u) if !u.banned && record.issued_at >= u.tokens_valid_after => Ok(u),
        _ => Err(AuthError::InvalidToken),
    }
}
