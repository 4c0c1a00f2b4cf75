//! A fixed-window rate limit: a policy value; the table counts the hits.

/// At most `max` hits per `window_secs` for one subject of `scope`.
#[derive(Debug, Clone, Copy)]
pub struct RateLimit {
    pub scope: &'static str,
    pub max: u32,
    pub window_secs: i64,
}
