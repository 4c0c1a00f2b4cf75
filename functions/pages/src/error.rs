//! How the pages answer what goes wrong: an HTML page that explains in
//! words and leaks nothing (no detail, no "user exists"). The route
//! table's own refusals (a cross-site request, refused before any page
//! handler runs) come out in the JSON envelope below and are turned into
//! the same HTML page by [`html_refusals`].

use crate::context::Ctx;
use crate::render::{error_text, Page};
use axum::extract::{FromRequestParts, Request};
use axum::middleware::Next;
use axum::response::Response;
use domain::{Error, ErrorKind};
use serde_json::{json, Value};

pub struct PagesEnvelope;

impl web::Envelope for PagesEnvelope {
    fn body(error: &Error) -> Value {
        json!({ "error": { "code": error.code, "message": error.message } })
    }
}

/// The error page for `error`, in the request's language.
pub fn page(ctx: &Ctx, error: &Error) -> Response {
    if error.kind == ErrorKind::Internal || error.kind == ErrorKind::Unavailable {
        tracing::warn!(error = %error, "page failed");
    }
    let lang = ctx.lang(None);
    Page::new("message.html")
        .var("title", &crate::render::strings(lang)["error_title"])
        .var("alert", error_text(lang, error))
        .with_error(lang, error, &[])
        .render(ctx, lang)
}

pub async fn not_found(ctx: Ctx) -> Response {
    page(&ctx, &Error::not_found("no such page"))
}

pub async fn method_not_allowed(ctx: Ctx) -> Response {
    page(
        &ctx,
        &Error::new(
            ErrorKind::MethodNotAllowed,
            "method_not_allowed",
            "method not allowed",
        ),
    )
}

/// The layer that turns the route table's JSON refusals (the only JSON a
/// page route answers) into the pages' HTML error page.
pub async fn html_refusals(req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let Ok(ctx) = Ctx::from_request_parts(&mut parts, &()).await;
    let response = next.run(Request::from_parts(parts, body)).await;
    let json = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !json {
        return response;
    }
    let refused = match response.status() {
        http::StatusCode::FORBIDDEN => web::cross_site_refused(),
        _ => Error::internal("a JSON answer from a page route"),
    };
    page(&ctx, &refused)
}
