//! A fixed-window rate limit: a policy value; the table counts the hits.
//! What a refused caller is told (429, `Retry-After`, the IETF `RateLimit`
//! headers) is built here, once, from the policy.

use crate::error::{Error, ErrorKind};
use std::borrow::Cow;

/// At most `max` hits per `window_secs` for one subject of `scope`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub scope: &'static str,
    pub max: u32,
    pub window_secs: i64,
}

/// A budget that refused a request: what the 429's headers say
/// (`RateLimit-Policy: "<policy>";q=<max>;w=<window>` and
/// `RateLimit: "<policy>";r=0;t=<reset>`, draft-ietf-httpapi-ratelimit-headers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    pub policy: &'static str,
    pub max: u32,
    pub window_secs: u32,
    /// Seconds until the window resets (at least 1).
    pub reset_secs: u32,
}

impl RateLimit {
    /// The index of the window `now_secs` falls in.
    pub fn window(&self, now_secs: i64) -> i64 {
        now_secs.div_euclid(self.window_secs)
    }

    /// Seconds from `now_secs` to the end of its window (at least 1).
    pub fn reset_secs(&self, now_secs: i64) -> u32 {
        let end = (self.window(now_secs) + 1) * self.window_secs;
        u32::try_from((end - now_secs).max(1)).unwrap_or(u32::MAX)
    }

    /// The 429 for a caller this budget refuses, at `now_secs`.
    pub fn refusal_at(
        &self,
        now_secs: i64,
        code: &'static str,
        message: impl Into<Cow<'static, str>>,
    ) -> Error {
        let budget = Budget {
            policy: self.scope,
            max: self.max,
            window_secs: u32::try_from(self.window_secs).unwrap_or(u32::MAX),
            reset_secs: self.reset_secs(now_secs),
        };
        Error::new(ErrorKind::RateLimited, code, message)
            .with_retry_after(budget.reset_secs.into())
            .with_budget(budget)
    }

    /// [`RateLimit::refusal_at`] now.
    pub fn refusal(&self, code: &'static str, message: impl Into<Cow<'static, str>>) -> Error {
        self.refusal_at(crate::time::now_secs(), code, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: RateLimit = RateLimit {
        scope: "test",
        max: 5,
        window_secs: 900,
    };

    #[test]
    fn a_refusal_says_when_the_window_ends() {
        let e = LIMIT.refusal_at(900 * 10 + 100, "too_many", "slow down");
        assert_eq!(e.kind, ErrorKind::RateLimited);
        assert_eq!(e.retry_after, Some(800));
        let budget = e.budget.as_deref().unwrap();
        assert_eq!(
            (budget.max, budget.window_secs, budget.reset_secs),
            (5, 900, 800)
        );
        // The last second of a window still waits one.
        assert_eq!(LIMIT.reset_secs(900 * 11 - 1), 1);
        assert_eq!(LIMIT.reset_secs(900 * 11), 900);
    }
}
