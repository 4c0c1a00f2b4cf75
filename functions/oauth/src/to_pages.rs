//! The hosted pages `/oauth/authorize` sends the browser to (functions/pages)
//! when the user must sign in or consent, with the way back: this very
//! request as a same-origin path, less the `prompt` value the page answers
//! (so it is not asked twice).

use crate::authorization_request::{AuthorizeRequest, Prompt};
use crate::redirect::found;
use axum::http::Uri;
use axum::response::Response;
use identity::AppState;

/// Where the hosted pages sign a user in.
pub const SIGN_IN_PATH: &str = "/signin";
/// Where they ask the user to allow a client.
pub const CONSENT_PATH: &str = "/consent";

pub struct Pages<'a> {
    issuer: &'a str,
    uri: &'a Uri,
    req: &'a AuthorizeRequest,
}

impl<'a> Pages<'a> {
    pub fn new(state: &'a AppState, uri: &'a Uri, req: &'a AuthorizeRequest) -> Self {
        Self {
            issuer: &state.config.oauth_issuer,
            uri,
            req,
        }
    }

    /// Sign in (again, with `prompt=login`), then back here.
    pub fn sign_in(&self, prompt: Prompt) -> Response {
        let mut to = url::form_urlencoded::Serializer::new(String::new());
        to.append_pair("return_to", &self.return_to("login"));
        if let Some(hint) = self.req.login_hint.as_deref().filter(|h| h.len() <= 256) {
            to.append_pair("login_hint", hint);
        }
        self.locales(&mut to);
        if prompt.login {
            to.append_pair("prompt", "login");
        }
        found(&format!("{}{SIGN_IN_PATH}?{}", self.issuer, to.finish()))
    }

    /// Allow or deny the client, then back here.
    pub fn consent(&self) -> Response {
        let mut to = url::form_urlencoded::Serializer::new(String::new());
        to.append_pair("return_to", &self.return_to("consent"));
        self.locales(&mut to);
        found(&format!("{}{CONSENT_PATH}?{}", self.issuer, to.finish()))
    }

    fn locales(&self, to: &mut url::form_urlencoded::Serializer<String>) {
        if let Some(locales) = self.req.ui_locales.as_deref().filter(|l| l.len() <= 64) {
            to.append_pair("ui_locales", locales);
        }
    }

    /// This request as a path, `answered` taken out of `prompt`.
    fn return_to(&self, answered: &str) -> String {
        let mut back = url::form_urlencoded::Serializer::new(String::new());
        let query = self.uri.query().unwrap_or("");
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            match &*k {
                "prompt" => {
                    let left = Prompt::without(&v, answered);
                    if !left.is_empty() {
                        back.append_pair("prompt", &left);
                    }
                }
                // Only the consent page's own answer may say so.
                "consent" => {}
                _ => {
                    back.append_pair(&k, &v);
                }
            }
        }
        format!("{}?{}", self.uri.path(), back.finish())
    }
}
