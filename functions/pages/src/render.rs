//! The one template home: every page is a minijinja template compiled into
//! the binary (`templates/`), rendered with the language's strings
//! (`templates/i18n/<lang>.json`), the brand and the CSRF token, and sent
//! with the pages' security headers.

use crate::brand::Brand;
use crate::context::Ctx;
use crate::{csrf, lang};
use axum::response::{IntoResponse, Response};
use domain::{Error, ErrorKind, Language};
use http::header::{CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER};
use http::{HeaderMap, HeaderValue, StatusCode};
use minijinja::Environment;
use serde_json::{json, Map, Value};
use std::sync::LazyLock;

/// The pages' Content-Security-Policy: nothing inline, nothing external.
/// The one script (passkeys) is the function's own and calls only this
/// origin's passkeys API.
pub const CSP: &str = "default-src 'none'; script-src 'self'; connect-src 'self'; \
     style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'";

macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../templates/", $name)))),*]
    };
}

const TEMPLATES: &[(&str, &str)] = templates!(
    "base.html",
    "macros.html",
    "signin.html",
    "second_factor.html",
    "signup.html",
    "verify.html",
    "reset_request.html",
    "reset.html",
    "account.html",
    "totp_setup.html",
    "recovery_codes.html",
    "message.html",
    "consent.html",
    "signout.html",
    "join.html",
    "joined.html",
    "network_confirm.html",
);

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    for (name, source) in TEMPLATES {
        env.add_template(name, source).expect("templates compile");
    }
    env
});

static STRINGS: LazyLock<[Value; 2]> = LazyLock::new(|| {
    [
        serde_json::from_str(include_str!("../templates/i18n/en.json")).expect("en.json"),
        serde_json::from_str(include_str!("../templates/i18n/es.json")).expect("es.json"),
    ]
});

pub fn strings(lang: Language) -> &'static Value {
    match lang {
        Language::En => &STRINGS[0],
        Language::Es => &STRINGS[1],
    }
}

/// The words for an error: the language's own for a known code, the
/// field's rule (from the validating type) for bad input, else the kind's
/// general sentence. Never a detail, never which accounts exist.
pub fn error_text(lang: Language, error: &Error) -> String {
    let t = strings(lang);
    if let Some(text) = t["errors"][error.code].as_str() {
        return text.to_owned();
    }
    let general = match error.kind {
        ErrorKind::InvalidInput => return web::sentence_case(&error.message),
        ErrorKind::Unauthenticated => "unauthenticated",
        ErrorKind::Forbidden => "forbidden",
        ErrorKind::NotFound => "not_found",
        ErrorKind::MethodNotAllowed => "method_not_allowed",
        ErrorKind::Conflict => "conflict",
        ErrorKind::RateLimited => "rate_limited",
        ErrorKind::Unavailable => "unavailable",
        ErrorKind::Internal => "internal",
    };
    t["errors"][general].as_str().unwrap_or_default().to_owned()
}

/// A page to send: its template, status, variables and extra headers.
pub struct Page {
    template: &'static str,
    status: StatusCode,
    vars: Map<String, Value>,
    headers: HeaderMap,
}

impl Page {
    pub fn new(template: &'static str) -> Self {
        Page {
            template,
            status: StatusCode::OK,
            vars: Map::new(),
            headers: HeaderMap::new(),
        }
    }

    pub fn status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    pub fn var(mut self, name: &str, value: impl serde::Serialize) -> Self {
        self.vars.insert(
            name.to_owned(),
            serde_json::to_value(value).unwrap_or_default(),
        );
        self
    }

    /// The page re-shown with `error`: tied to its field when it names one
    /// the form has (`fields`), else as the page's alert; its status, and
    /// `Retry-After` when it says when to come back.
    pub fn with_error(mut self, lang: Language, error: &Error, fields: &[&str]) -> Self {
        let text = error_text(lang, error);
        match error.field.as_deref().filter(|f| fields.contains(f)) {
            Some(field) => self = self.var("errors", json!({ field: text })),
            None => self = self.var("alert", text),
        }
        if let Some(secs) = error
            .retry_after
            .or((error.kind == ErrorKind::RateLimited).then_some(60))
        {
            self.headers.insert(RETRY_AFTER, HeaderValue::from(secs));
        }
        self.status(web::default_status(error.kind))
    }

    pub fn render(self, ctx: &Ctx, lang: Language) -> Response {
        let mut vars = self.vars;
        let t = strings(lang);
        if !vars.contains_key("title") {
            let stem = self.template.trim_end_matches(".html");
            vars.insert("title".into(), t["titles"][stem].clone());
        }
        vars.insert("t".into(), t.clone());
        vars.insert("lang".into(), json!(lang::code(lang)));
        vars.insert("brand".into(), json!(Brand::get()));
        vars.insert("csrf".into(), json!(ctx.csrf));
        vars.insert(
            "script_url".into(),
            json!(crate::handlers::assets::SCRIPT_URL.as_str()),
        );
        let html = ENV
            .get_template(self.template)
            .and_then(|t| t.render(minijinja::Value::from(minijinja::value::Serde(&vars))));
        let (status, html) = match html {
            Ok(html) => (self.status, html),
            Err(e) => {
                tracing::error!(error = %e, template = self.template, "page failed to render");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "<!doctype html><title>Error</title><p>Something went wrong.".to_owned(),
                )
            }
        };
        let mut response = (status, html).into_response();
        let headers = response.headers_mut();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        security_headers(headers);
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        for (name, value) in &self.headers {
            headers.append(name, value.clone());
        }
        if ctx.new_csrf {
            let (name, value) = identity::cookies::set(csrf::COOKIE, &ctx.csrf, csrf::TTL_SECS);
            headers.append(name, value);
        }
        response
    }
}

/// The headers every answer of the pages carries. The referrer policy is
/// `same-origin`, not `no-referrer`: under `no-referrer` a browser sends
/// `Origin: null` with a form's POST, which the same-origin rule refuses.
pub fn security_headers(headers: &mut HeaderMap) {
    for (name, value) in [
        ("content-security-policy", CSP),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        ("x-frame-options", "DENY"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
}

/// A 303 to `location` (a same-origin path), with `cookies`.
pub fn see_other(location: &str, cookies: Vec<(http::HeaderName, HeaderValue)>) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(location) {
        headers.insert(http::header::LOCATION, value);
    }
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    security_headers(headers);
    for (name, value) in cookies {
        headers.append(name, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(v: &Value, prefix: &str, out: &mut Vec<String>) {
        if let Value::Object(map) = v {
            for (k, v) in map {
                let path = format!("{prefix}{k}");
                keys(v, &format!("{path}."), out);
                out.push(path);
            }
        }
    }

    #[test]
    fn both_languages_have_every_string() {
        let (mut en, mut es) = (Vec::new(), Vec::new());
        keys(strings(Language::En), "", &mut en);
        keys(strings(Language::Es), "", &mut es);
        en.sort();
        es.sort();
        assert_eq!(en, es);
        for (name, _) in TEMPLATES {
            let stem = name.trim_end_matches(".html");
            let layout = matches!(stem, "base" | "macros");
            assert!(
                layout || strings(Language::En)["titles"][stem].is_string(),
                "{stem}"
            );
        }
    }

    #[test]
    fn every_template_file_is_listed() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".html"))
            .collect();
        let mut listed: Vec<String> = TEMPLATES.iter().map(|(n, _)| n.to_string()).collect();
        files.sort();
        listed.sort();
        assert_eq!(files, listed);
    }

    #[test]
    fn every_template_compiles() {
        for (name, _) in TEMPLATES {
            assert!(ENV.get_template(name).is_ok(), "{name}");
        }
    }
}
