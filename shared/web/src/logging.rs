//! Log setup. Request lines name the matched route template, never the
//! request path: a token travels in some paths and must not reach a log.

use tracing_subscriber::EnvFilter;

fn filter() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"))
}

/// JSON lines for CloudWatch.
pub fn init_lambda() {
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter())
        // Each line carries its request's span: the request id and the
        // route template (never the path).
        .with_current_span(true)
        .with_span_list(false)
        .with_ansi(false)
        .without_time()
        .try_init();
}

/// Human-readable lines for the dev server.
pub fn init_dev() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter())
        .compact()
        .try_init();
}
