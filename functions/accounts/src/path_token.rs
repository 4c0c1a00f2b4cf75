//! The token in the path (`/api/v1/accounts/{token}/…`): an opaque account
//! token, not a cookie session. Which user it speaks for, and what that
//! user may do.

use crate::ApiError;
use domain::{Error, Role, User};
use identity::check_holder;
use table::{Store, StoreError, TokenRecord};

/// The kind of opaque token this surface issues.
pub const KIND: &str = identity::gate::ACCOUNTS_TOKEN_KIND;

/// The live token the path names (one read). The holder is loaded
/// separately so callers can run their own read beside it.
pub async fn resolve(store: &Store, raw: &str) -> Result<TokenRecord, ApiError> {
    Ok(identity::resolve(store, raw, KIND).await?)
}

/// The token's holder, read and checked.
pub async fn holder(store: &Store, record: &TokenRecord) -> Result<User, ApiError> {
    check(store.get_user(&record.user_id).await, record)
}

/// Holder checks on an already-loaded user.
pub fn check(
    user: Result<Option<User>, StoreError>,
    record: &TokenRecord,
) -> Result<User, ApiError> {
    Ok(check_holder(user?, record)?)
}

pub fn require_role(user: &User, allowed: &[Role]) -> Result<(), ApiError> {
    if allowed.contains(&user.role) {
        return Ok(());
    }
    let names: Vec<&str> = allowed.iter().map(|r| r.as_str()).collect();
    Err(Error::forbidden(format!("this needs the role {}", names.join(" or "))).into())
}
