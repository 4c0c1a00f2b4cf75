//! The path token: which user it speaks for.

use crate::ApiError;
use domain::{Role, User};
use identity::check_holder;
use table::{Store, StoreError, TokenRecord};

/// The kind of opaque token this surface issues.
pub const TOKEN_KIND: &str = "account";

/// The live token the path names (one read). The holder is loaded
/// separately so callers can run their own read beside it.
pub async fn token(store: &Store, raw: &str) -> Result<TokenRecord, ApiError> {
    Ok(identity::resolve(store, raw, TOKEN_KIND).await?)
}

pub async fn holder(store: &Store, record: &TokenRecord) -> Result<User, ApiError> {
    Ok(check_holder(
        store.get_user(&record.user_id).await?,
        record,
    )?)
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
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "this needs the role {}",
            allowed
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(" or ")
        )))
    }
}
