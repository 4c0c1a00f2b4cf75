//! Cross-site request forgery, one rule for every surface. A state change
//! a browser could be tricked into sending with the user's cookie, or one
//! that starts a cookie session (login CSRF), must come from the platform's
//! own origin or an allowed one (`ALLOWED_ORIGINS`, the browser apps CORS
//! admits). Browsers say where a request comes from (`Origin`,
//! `Sec-Fetch-Site`); servers and curl send neither and pass: they carry no
//! ambient credentials. The cookie's `SameSite=Lax` is the first fence,
//! this the second (a sibling subdomain is "same-site" to Lax).

use crate::{Envelope, Problem};
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::{Error, ErrorKind};
use http::header::{HOST, ORIGIN};
use http::{HeaderMap, Method};
use std::sync::Arc;

pub fn cross_site_refused() -> Error {
    Error::new(
        ErrorKind::Forbidden,
        "cross_site_request",
        "cross-site request refused",
    )
    .on("origin")
}

/// `Ok` unless a browser says the request comes from another site.
pub fn same_origin(headers: &HeaderMap) -> Result<(), Error> {
    if headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"cross-site"))
    {
        return Err(cross_site_refused());
    }
    let Some(origin) = headers.get(ORIGIN) else {
        return Ok(());
    };
    let origin = origin
        .to_str()
        .map_err(|_| cross_site_refused())?
        .trim_end_matches('/');
    let host = headers.get(HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    if origin_host.is_some() && origin_host == host {
        return Ok(());
    }
    if crate::cors::origin_allowed(origin) {
        return Ok(());
    }
    Err(cross_site_refused())
}

/// The routes that start a cookie session: guarded even without a cookie.
pub(crate) type SignInRoutes = Arc<Vec<(Method, &'static str)>>;

/// The layer every route table applies: a non-safe request that carries
/// the session cookie, or that signs someone in, must pass
/// [`same_origin`]; refused in the surface's envelope before any handler
/// reads or writes.
pub(crate) async fn guard<E: Envelope>(
    State(sign_in): State<SignInRoutes>,
    matched: Option<MatchedPath>,
    req: Request,
    next: Next,
) -> Response {
    let method = req.method();
    if !method.is_safe() {
        let starts_session = matched.as_ref().is_some_and(|m| {
            sign_in
                .iter()
                .any(|(meth, path)| meth == method && *path == m.as_str())
        });
        let has_session = identity::session::cookie_value_of(req.headers()).is_some();
        if starts_session || has_session {
            if let Err(e) = same_origin(req.headers()) {
                return Problem::<E>::new(e).into_response();
            }
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn only_same_origin_browsers_and_non_browsers_pass() {
        assert!(same_origin(&headers(&[])).is_ok());
        assert!(same_origin(&headers(&[
            ("host", "a.example"),
            ("origin", "https://a.example")
        ]))
        .is_ok());
        assert!(same_origin(&headers(&[
            ("host", "a.example"),
            ("origin", "https://b.example")
        ]))
        .is_err());
        assert!(same_origin(&headers(&[("host", "a.example"), ("origin", "null")])).is_err());
        assert!(same_origin(&headers(&[("sec-fetch-site", "cross-site")])).is_err());
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-origin")])).is_ok());
    }
}
