//! The way back to the client, and the other redirects `/oauth/authorize`
//! answers with.

use crate::OAuthError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::Error;

/// The way back to the client: its redirect URI plus `state` and `iss`
/// (RFC 9207, so a client talking to several servers can tell who answered).
pub struct Redirect<'a> {
    pub uri: &'a str,
    pub state: Option<&'a str>,
    pub issuer: &'a str,
}

impl Redirect<'_> {
    pub fn success(&self, code: &str) -> Response {
        self.to(&[("code", code)])
    }

    pub fn error(&self, error: &str, description: &str) -> Response {
        self.to(&[("error", error), ("error_description", description)])
    }

    fn to(&self, params: &[(&str, &str)]) -> Response {
        // Registered URIs are absolute, fragment-free URLs (registration.rs).
        let mut url = match url::Url::parse(self.uri) {
            Ok(url) => url,
            Err(_) => return internal("a registered redirect URI does not parse"),
        };
        {
            let mut query = url.query_pairs_mut();
            for (k, v) in params {
                query.append_pair(k, v);
            }
            if let Some(state) = self.state {
                query.append_pair("state", state);
            }
            query.append_pair("iss", self.issuer);
        }
        found(url.as_str())
    }
}

/// A 302 to `location`, kept by no cache and leaking no referrer.
pub fn found(location: &str) -> Response {
    let mut res = StatusCode::FOUND.into_response();
    let headers = res.headers_mut();
    match HeaderValue::from_str(location) {
        Ok(location) => headers.insert(header::LOCATION, location),
        Err(_) => return internal("a redirect URL is not a header value"),
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}

fn internal(detail: &str) -> Response {
    OAuthError::new(Error::internal(detail)).into_response()
}
