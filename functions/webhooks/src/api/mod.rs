//! The management API (`/api/webhooks…`, `X-API-Key`: read for GET, write
//! for the rest). Errors: `{"error": {"code", "message", "field"?}}`.

pub mod create;
pub mod endpoint;
pub mod list;

use axum::extract::FromRequestParts;
use domain::Error;
use http::request::Parts;
use identity::api_key::{self, ApiKey, Permission};
use serde_json::{json, Value};
use web::{Envelope, Problem};

pub struct WebhooksEnvelope;

pub type ApiError = Problem<WebhooksEnvelope>;

impl Envelope for WebhooksEnvelope {
    fn body(error: &Error) -> Value {
        let mut inner = json!({ "code": error.code, "message": error.message });
        if let Some(field) = &error.field {
            inner["field"] = json!(field);
        }
        json!({ "error": inner })
    }
}

/// The caller's key, read before the body; checked against the table in
/// the handler (beside its first read when there is one).
pub struct Caller(ApiKey, Permission);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let key = ApiKey::from_headers(&parts.headers)?;
        Ok(Self(key, Permission::for_method(parts.method.as_str())))
    }
}

impl Caller {
    /// 401 for an unknown or revoked key, 403 without the permission.
    pub async fn check(&self, store: &table::Store) -> Result<(), ApiError> {
        api_key::authorize(store, &self.0, self.1).await?;
        Ok(())
    }

    /// The endpoint `id`, read beside the key check (which is settled first).
    pub async fn endpoint(
        &self,
        store: &table::Store,
        id: &str,
    ) -> Result<crate::store::EndpointRecord, ApiError> {
        let (auth, record) = tokio::join!(self.check(store), crate::manage::get(store, id));
        auth?;
        Ok(record?)
    }
}
