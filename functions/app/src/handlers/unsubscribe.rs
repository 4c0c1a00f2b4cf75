//! `/api/action/unsubscribe/?token=…`: where a notification email's
//! unsubscribe link and its `List-Unsubscribe` header point (RFC 8058).
//! `GET` (a person who clicked the link; also a mail scanner prefetching
//! it) only shows a button and changes nothing; `POST` (the button, or the
//! mail provider's one-click `List-Unsubscribe=One-Click`) turns that
//! kind of notification off for the notification's user. No session: the
//! token is the proof. A second POST answers the same and changes nothing;
//! a bad token is a 400 that writes nothing. Plain HTML in the language
//! the browser asks for (English or Spanish), with a strict CSP.

use crate::rules;
use crate::store::{AppStore, UnsubscribeToken};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use domain::Language;
use http::{header, HeaderMap, StatusCode};
use identity::AppState;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// The page's words: title, the question, its button, done, invalid.
fn words(lang: Language) -> [&'static str; 5] {
    match lang {
        Language::Es => [
            "Darse de baja",
            "¿Dejar de recibir por correo este tipo de notificaciones?",
            "Darme de baja",
            "Listo: ya no recibirás por correo este tipo de notificaciones. Puedes volver a activarlas en tu configuración de notificaciones.",
            "Este enlace para darse de baja no es válido.",
        ],
        Language::En => [
            "Unsubscribe",
            "Stop getting emails about this kind of notification?",
            "Unsubscribe",
            "Done: you will no longer get emails about this kind of notification. You can turn them back on in your notification settings.",
            "This unsubscribe link is not valid.",
        ],
    }
}

fn language(headers: &HeaderMap) -> Language {
    let accepted = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let first = accepted.split([',', ';']).next().unwrap_or_default();
    Language::parse_or_default(first.trim())
}

fn page(state: &AppState, lang: Language, status: StatusCode, body: &str) -> Response {
    let product = escape(&state.config.product_name);
    let title = words(lang)[0];
    let html = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{title} - {product}</title></head>\
         <body><h1>{product}</h1>{body}</body></html>",
        lang.as_str()
    );
    let headers = [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::CACHE_CONTROL, "no-store"),
        (header::REFERRER_POLICY, "no-referrer"),
    ];
    (status, headers, html).into_response()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn invalid(state: &AppState, lang: Language) -> Response {
    let body = format!("<p>{}</p>", words(lang)[4]);
    page(state, lang, StatusCode::BAD_REQUEST, &body)
}

/// `GET`: the button (the form posts to this same URL, token included).
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<TokenQuery>,
) -> Response {
    let lang = language(&headers);
    if query
        .token
        .as_deref()
        .and_then(UnsubscribeToken::parse)
        .is_none()
    {
        return invalid(&state, lang);
    }
    let [_, question, button, _, _] = words(lang);
    let body = format!(
        "<p>{question}</p><form method=\"post\"><button type=\"submit\">{button}</button></form>"
    );
    page(&state, lang, StatusCode::OK, &body)
}

/// `POST`: turns the notification's kind off for its user.
pub async fn confirm(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<TokenQuery>,
) -> Response {
    let lang = language(&headers);
    let Some(token) = query.token.as_deref().and_then(UnsubscribeToken::parse) else {
        return invalid(&state, lang);
    };
    let store = AppStore::of(&state);
    let target = match store.unsubscribe_target(&token).await {
        Ok(target) => target,
        Err(e) => return unavailable(e),
    };
    let Some(code) = target.and_then(|r| rules::setting_of(&r.kind).ok().flatten()) else {
        return invalid(&state, lang);
    };
    match store.turn_off(&token.user, code).await {
        Ok(true) => {
            tracing::info!(
                setting = code,
                "notification emails turned off by unsubscribe link"
            );
            let body = format!("<p role=\"status\">{}</p>", words(lang)[3]);
            page(&state, lang, StatusCode::OK, &body)
        }
        Ok(false) => invalid(&state, lang),
        Err(e) => unavailable(e),
    }
}

/// A store failure: passing (throttling, a network failure); the sender
/// tries again.
fn unavailable(e: table::StoreError) -> Response {
    tracing::warn!(error = %e, "unsubscribe: the table did not answer");
    let mut response = StatusCode::SERVICE_UNAVAILABLE.into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, http::HeaderValue::from_static("5"));
    response
}
