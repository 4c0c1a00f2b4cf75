//! `X-API-Key` on every route, through the shared key check. A missing or
//! malformed key is refused by the extractor, before the body is read; the
//! table lookup runs in the handler, concurrently with its first read, and
//! is settled before anything is answered or written.

use crate::ApiError;
use axum::extract::FromRequestParts;
use http::request::Parts;
use identity::api_key::{self, ApiKey, Permission};
use table::Store;

pub struct Caller {
    key: ApiKey,
    needs: Permission,
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self {
            key: ApiKey::from_headers(&parts.headers)?,
            needs: Permission::for_method(parts.method.as_str()),
        })
    }
}

impl Caller {
    /// 401 for an unknown or revoked key, 403 without the permission the
    /// method needs (read for GET, write for the rest).
    pub async fn check(&self, store: &Store) -> Result<(), ApiError> {
        api_key::authorize(store, &self.key, self.needs).await?;
        Ok(())
    }
}
