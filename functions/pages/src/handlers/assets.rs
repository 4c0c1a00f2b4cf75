//! The pages' two static files, served by the function itself (the CSP
//! allows `style-src 'self'` and `script-src 'self'` only): the stylesheet
//! with the configured accent colour, and the passkeys script.

use crate::brand::Brand;
use axum::response::{IntoResponse, Response};
use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use http::HeaderValue;
use std::hash::{Hash, Hasher};
use std::sync::LazyLock;

static CSS: LazyLock<String> = LazyLock::new(|| {
    include_str!("../../static/pages.css").replace("#1d4ed8", &Brand::get().accent)
});

const SCRIPT: &str = include_str!("../../static/passkeys.js");

/// The script's address, versioned by its content, so it can be cached
/// for good: a new build with another script names another URL.
pub static SCRIPT_URL: LazyLock<String> = LazyLock::new(|| {
    let mut hasher = std::hash::DefaultHasher::new();
    SCRIPT.hash(&mut hasher);
    format!("/pages/passkeys.js?v={:016x}", hasher.finish())
});

pub async fn stylesheet() -> Response {
    asset(
        CSS.as_str(),
        "text/css; charset=utf-8",
        "public, max-age=3600",
    )
}

pub async fn script() -> Response {
    asset(
        SCRIPT,
        "text/javascript; charset=utf-8",
        "public, max-age=31536000, immutable",
    )
}

fn asset(body: &'static str, content_type: &'static str, cache: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    crate::render::security_headers(headers);
    response
}
