//! What the environment decides: the retry schedule and whether plain
//! HTTP to loopback is allowed (the local stack), and the URL rule.

use std::net::IpAddr;
use std::time::Duration;
use url::Url;

/// Standard Webhooks' schedule: the delay before each attempt (the first
/// at once), 8 attempts over about 27 hours.
pub const STANDARD_SCHEDULE: [u64; 8] = [0, 5, 300, 1800, 7200, 18000, 36000, 36000];

#[derive(Debug, Clone)]
pub struct Settings {
    /// Delay before attempt n (0-based); its length is the attempts made.
    pub schedule: Vec<Duration>,
    /// `http://` to loopback addresses, private addresses allowed (local only).
    pub local: bool,
}

impl Settings {
    /// `WEBHOOK_RETRY_SCHEDULE` (seconds, comma-separated; tests shorten
    /// it) and `WEBHOOK_ALLOW_LOCAL` (`true` on the local stack).
    pub fn from_env() -> Self {
        let schedule = std::env::var("WEBHOOK_RETRY_SCHEDULE")
            .ok()
            .and_then(|raw| parse_schedule(&raw))
            .unwrap_or_else(|| STANDARD_SCHEDULE.to_vec());
        Self {
            schedule: schedule.into_iter().map(Duration::from_secs).collect(),
            local: std::env::var("WEBHOOK_ALLOW_LOCAL").is_ok_and(|v| v == "true" || v == "1"),
        }
    }

    /// When attempt `attempts` (0-based) is due after the last one, or
    /// `None` when the schedule is spent.
    pub fn delay_before(&self, attempts: u32) -> Option<Duration> {
        self.schedule.get(attempts as usize).copied()
    }

    /// The URL an endpoint may have: https (or, locally, http to loopback),
    /// no credentials, and in the cloud no private or loopback IP literal.
    pub fn check_url(&self, raw: &str) -> Result<Url, &'static str> {
        let url = Url::parse(raw).map_err(|_| "must be an absolute URL")?;
        if raw.len() > 2048 {
            return Err("must be at most 2048 characters");
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("must not carry credentials");
        }
        let host = url.host_str().ok_or("must have a host")?;
        let ip = host.trim_matches(['[', ']']).parse::<IpAddr>().ok();
        let loopback = host == "localhost" || ip.is_some_and(|ip| ip.is_loopback());
        match url.scheme() {
            "https" => {}
            "http" if self.local && loopback => {}
            _ => return Err("must be https"),
        }
        if !self.local && (loopback || ip.is_some_and(is_private)) {
            return Err("must not point at a private or loopback address");
        }
        Ok(url)
    }
}

fn parse_schedule(raw: &str) -> Option<Vec<u64>> {
    let delays: Vec<u64> = raw
        .split(',')
        .map(|d| d.trim().parse().ok())
        .collect::<Option<_>>()?;
    (!delays.is_empty()).then_some(delays)
}

/// Addresses a public endpoint never resolves to (SSRF: the instance
/// metadata service, the VPC, loopback).
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| is_private(IpAddr::V4(v4)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cloud() -> Settings {
        Settings {
            schedule: vec![],
            local: false,
        }
    }

    #[test]
    fn urls() {
        let local = Settings {
            local: true,
            ..cloud()
        };
        assert!(cloud().check_url("https://hooks.example.com/in").is_ok());
        for bad in [
            "http://hooks.example.com/",
            "https://127.0.0.1/",
            "https://10.0.0.1/",
            "https://169.254.169.254/latest",
            "https://[::1]/",
            "https://[fd00::1]/",
            "https://localhost/",
            "https://user:pw@example.com/",
            "ftp://example.com/",
            "not a url",
        ] {
            assert!(cloud().check_url(bad).is_err(), "{bad}");
        }
        assert!(local.check_url("http://127.0.0.1:8080/hook").is_ok());
        assert!(local.check_url("http://example.com/hook").is_err());
    }

    #[test]
    fn schedules() {
        assert_eq!(parse_schedule("0, 1,1,1"), Some(vec![0, 1, 1, 1]));
        assert_eq!(parse_schedule("0,x"), None);
        let s = Settings {
            schedule: vec![Duration::ZERO, Duration::from_secs(5)],
            local: false,
        };
        assert_eq!(s.delay_before(1), Some(Duration::from_secs(5)));
        assert_eq!(s.delay_before(2), None);
        let total: u64 = STANDARD_SCHEDULE.iter().sum();
        assert!(total > 24 * 3600);
    }
}
