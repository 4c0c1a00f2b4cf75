//! A posted form (`application/x-www-form-urlencoded`), read leniently:
//! a missing or repeated field is the handler's business, never a
//! rejection in another format.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use std::collections::HashMap;
use std::convert::Infallible;

/// Longest form the pages read (a sign-up is well under 4 KiB).
const MAX_FORM_BYTES: usize = 16 * 1024;

#[derive(Default)]
pub struct Form(HashMap<String, String>);

impl Form {
    /// A field, trimmed of nothing (passwords keep their spaces).
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// A field with surrounding whitespace removed; empty is `None`.
    pub fn text(&self, name: &str) -> Option<String> {
        self.raw(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }
}

impl<S: Send + Sync> FromRequest<S> for Form {
    type Rejection = Infallible;

    async fn from_request(req: Request, state: &S) -> Result<Self, Infallible> {
        let Ok(body) = Bytes::from_request(req, state).await else {
            return Ok(Form::default());
        };
        if body.len() > MAX_FORM_BYTES {
            return Ok(Form::default());
        }
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
        Ok(Form(pairs.into_iter().collect()))
    }
}
