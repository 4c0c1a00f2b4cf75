//! Log setup. Request lines name the matched route template, never the
//! request path: a token travels in some paths and must not reach a log.
//!
//! The level comes from `RUST_LOG` in the `Targets` syntax
//! (`info`, `warn,table=debug`, `off`); default `info`. `Targets` rather
//! than `EnvFilter`: the same syntax for what we use, without linking a
//! regex engine into every function (docs/performance.md, binary sizes).

use tracing::level_filters::LevelFilter;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

fn filter() -> Targets {
    parse_filter(std::env::var("RUST_LOG").ok().as_deref())
}

fn parse_filter(raw: Option<&str>) -> Targets {
    raw.and_then(|r| r.parse().ok())
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO))
}

/// JSON lines for CloudWatch.
pub fn init_lambda() {
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .json()
                // Each line carries its request's span: the request id and
                // the route template (never the path).
                .with_current_span(true)
                .with_span_list(false)
                .with_ansi(false)
                .without_time(),
        )
        .with(filter())
        .try_init();
}

/// Human-readable lines for the dev server.
pub fn init_dev() {
    let _ = tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().compact())
        .with(filter())
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;

    #[test]
    fn rust_log_sets_levels_and_defaults_to_info() {
        let default = parse_filter(None);
        assert!(default.would_enable("accounts", &Level::INFO));
        assert!(!default.would_enable("accounts", &Level::DEBUG));
        let custom = parse_filter(Some("warn,table=debug"));
        assert!(custom.would_enable("table", &Level::DEBUG));
        assert!(!custom.would_enable("accounts", &Level::INFO));
        assert!(!parse_filter(Some("off")).would_enable("accounts", &Level::ERROR));
        // Unparseable: the default, not silence.
        assert!(parse_filter(Some("=!")).would_enable("accounts", &Level::INFO));
    }
}
