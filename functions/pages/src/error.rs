//! How the pages answer what goes wrong: an HTML page that explains in
//! words and leaks nothing (no detail, no "user exists"). The JSON
//! envelope below only renders the route table's own refusals (a
//! cross-site request, refused before any page handler runs).

use crate::context::Ctx;
use crate::render::{error_text, Page};
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
