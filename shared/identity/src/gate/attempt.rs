//! Where a sign-in attempt comes from: the source address (whose failures
//! are budgeted) and the device token it presents (a device of the account
//! keeps its own budget). Surfaces get it from `web::SignInAttempt`.

use domain::OpaqueToken;
use std::net::IpAddr;

/// The cookie a device that signed in keeps (`did`), a year from its last
/// sign-in.
pub const DEVICE_COOKIE: &str = "did";

#[derive(Debug, Clone, Default)]
pub struct Attempt {
    /// The client's address as the edge saw it; `None` for callers without
    /// one (backends acting for a user), which no address budget limits.
    pub source: Option<IpAddr>,
    /// The device token presented, if it is one of ours in shape.
    pub device: Option<OpaqueToken>,
    /// The client's `User-Agent`, for the audit log (cut there).
    pub user_agent: Option<String>,
}

impl Attempt {
    /// The device token of a request's cookies.
    pub fn device_of(headers: &http::HeaderMap) -> Option<OpaqueToken> {
        crate::cookies::get(headers, DEVICE_COOKIE).and_then(|raw| OpaqueToken::parse(&raw))
    }

    /// The `User-Agent` of a request's headers.
    pub fn user_agent_of(headers: &http::HeaderMap) -> Option<String> {
        headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| {
                ua.chars()
                    .take(domain::audit::MAX_USER_AGENT_CHARS)
                    .collect()
            })
    }

    /// An event of this attempt's user, from where the attempt came.
    pub fn event(&self, kind: domain::audit::Kind) -> domain::audit::Event {
        domain::audit::Event::by_user(kind).from(self.source, self.user_agent.as_deref())
    }

    /// The subject the address budget counts (the address, as text).
    pub(super) fn source_subject(&self) -> Option<String> {
        self.source.map(|ip| ip.to_string())
    }
}
