//! What every page handler reads from the request besides its form: the
//! headers (cookies, `Accept-Language`), the query, and the CSRF token (the
//! cookie's, or a new one the answer sets).

use crate::{csrf, lang};
use axum::extract::FromRequestParts;
use domain::{Error, ErrorKind, Language, User};
use http::request::Parts;
use http::HeaderMap;
use std::collections::HashMap;
use std::convert::Infallible;

pub struct Ctx {
    pub headers: HeaderMap,
    pub query: HashMap<String, String>,
    /// The token forms carry.
    pub csrf: String,
    /// Whether the answer must set the `pcsrf` cookie (none was sent).
    pub new_csrf: bool,
    /// The language the request asks for (`ui_locales`, `Accept-Language`).
    asked: Option<Language>,
}

impl Ctx {
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// The page's language; the signed-in user's when the request names none.
    pub fn lang(&self, user: Option<&User>) -> Language {
        self.asked
            .or_else(|| user.map(identity::email_change::language_of))
            .unwrap_or_default()
    }

    /// Refuses a form whose CSRF field does not match the cookie.
    pub fn check_csrf(&self, form: &crate::form::Form) -> Result<(), Error> {
        let cookie = csrf::of_request(&self.headers);
        if csrf::matches(cookie.as_deref(), form.raw(csrf::FIELD)) {
            Ok(())
        } else {
            Err(Error::new(
                ErrorKind::Forbidden,
                "csrf_mismatch",
                "the form expired or came from another site",
            ))
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        let query: HashMap<String, String> = parts
            .uri
            .query()
            .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
            .unwrap_or_default()
            .into_iter()
            .collect();
        let asked = query
            .get("ui_locales")
            .and_then(|v| lang::from_ui_locales(v))
            .or_else(|| {
                parts
                    .headers
                    .get(http::header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(lang::from_accept_language)
            });
        let existing = csrf::of_request(&parts.headers);
        Ok(Ctx {
            new_csrf: existing.is_none(),
            csrf: existing.unwrap_or_else(csrf::generate),
            headers: parts.headers.clone(),
            query,
            asked,
        })
    }
}
