//! The one stylesheet, served by the function itself (the CSP allows
//! `style-src 'self'` only), with the configured accent colour.

use crate::brand::Brand;
use axum::response::{IntoResponse, Response};
use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use http::HeaderValue;
use std::sync::LazyLock;

static CSS: LazyLock<String> = LazyLock::new(|| {
    include_str!("../../static/pages.css").replace("#1d4ed8", &Brand::get().accent)
});

pub async fn stylesheet() -> Response {
    let mut response = CSS.as_str().into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    crate::render::security_headers(headers);
    response
}
