//! What a completed sign-in issues, and the one write that completes it:
//! the token, the account's login stamp (conditioned on the account still
//! standing and on the password that was checked), the second factor it
//! spent and the device it came from, in one transaction.

use super::remember::Kept;
use super::DEVICE_COOKIE;
use crate::{cookies, session, AppState};
use domain::lockout::DEVICE_TTL_SECS;
use domain::{Error, OpaqueToken, User};
use http::{HeaderName, HeaderValue};
use table::{LoginWrite, LoginWriteError, SecondFactor};

/// What a surface issues when a sign-in completes: the one choice a
/// surface makes. Every rule of the account applies whatever it picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issue {
    /// A cookie session (`sid`): the Users API, the App Users API, the
    /// hosted pages.
    Session,
    /// An Accounts API token (it travels in the path).
    AccountsToken,
}

/// The kind of opaque token the Accounts API issues.
pub const ACCOUNTS_TOKEN_KIND: &str = "account";

impl Issue {
    pub fn kind(self) -> &'static str {
        match self {
            Issue::Session => session::KIND,
            Issue::AccountsToken => ACCOUNTS_TOKEN_KIND,
        }
    }

    pub(super) fn ttl_secs(self, state: &AppState) -> i64 {
        match self {
            Issue::Session => session::TTL_SECS,
            Issue::AccountsToken => state.config.account_token_ttl_secs,
        }
    }
}

/// A completed sign-in: the token is the only copy.
pub struct Completed {
    pub user: User,
    pub issue: Issue,
    pub token: OpaqueToken,
    /// The device token the client keeps (new, or the one it presented).
    pub device: OpaqueToken,
}

impl Completed {
    /// The cookies the answer sets: the session's when a session was
    /// issued (first), the device's always.
    pub fn cookies(&self) -> Vec<(HeaderName, HeaderValue)> {
        let mut cookies = Vec::new();
        if self.issue == Issue::Session {
            cookies.push(session::set_cookie(&self.user.id, self.token.expose()));
        }
        cookies.push(cookies::set(
            DEVICE_COOKIE,
            self.device.expose(),
            DEVICE_TTL_SECS,
        ));
        cookies
    }
}

/// What proved the first factor (an `amr` value: RFC 8176's `pwd`, `fed`
/// for a social network, as Microsoft's identity platform names it, or
/// `hwk` for a passkey; `verified` when the authenticator verified its
/// user, which RFC 8176 counts as a second factor, `user` + `mfa`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstFactor {
    Password,
    Network,
    Passkey { verified: bool },
}

impl FirstFactor {
    pub fn amr(self) -> &'static str {
        match self {
            FirstFactor::Password => "pwd",
            FirstFactor::Network => "fed",
            FirstFactor::Passkey { .. } => "hwk",
        }
    }

    /// Whether it proved both factors by itself (a user-verifying passkey).
    pub fn is_both_factors(self) -> bool {
        self == FirstFactor::Passkey { verified: true }
    }

    /// As a challenge's slot keeps it (`None`: the password).
    pub(super) fn stored(self) -> Option<String> {
        (self != FirstFactor::Password).then(|| self.amr().to_owned())
    }

    pub(super) fn from_stored(stored: Option<&str>) -> Self {
        match stored {
            Some("fed") => FirstFactor::Network,
            // A challenge is opened only for a passkey that did not verify
            // its user (one that did is both factors already).
            Some("hwk") => FirstFactor::Passkey { verified: false },
            _ => FirstFactor::Password,
        }
    }
}

/// How the account proved itself for this completion.
pub(super) struct Proof<'a> {
    pub first: FirstFactor,
    /// The password hash the password was verified against.
    pub checked_hash: &'a str,
    pub rehash: Option<&'a str>,
    pub second: Option<&'a SecondFactor>,
    /// The security events the completion records (`gate::audit`).
    pub events: Vec<domain::audit::Event>,
}

/// How a second factor is named in `amr` (RFC 8176): a code (`otp`) or
/// a passkey (`hwk`).
pub(super) fn second_amr(second: Option<&SecondFactor>) -> &'static str {
    match second {
        Some(SecondFactor::Passkey(_)) => "hwk",
        _ => "otp",
    }
}

/// How the sign-in was proven (RFC 8176): the first factor, then the
/// second one given (`second`, an `amr` value) or `user` when the first
/// was both factors.
fn amr(first: FirstFactor, second: Option<&'static str>) -> Vec<String> {
    let mut amr = vec![first.amr()];
    if first.is_both_factors() {
        amr.extend(["user", "mfa"]);
    } else if let Some(second) = second {
        amr.extend([second, "mfa"]);
    }
    amr.into_iter().map(str::to_owned).collect()
}

/// The token a completed sign-in of `user` issues, stating how it was
/// proven: the one way every completion (with or without a challenge step)
/// makes its token.
pub(super) fn issue_for(
    state: &AppState,
    user: &User,
    issue: Issue,
    first: FirstFactor,
    second: Option<&'static str>,
) -> crate::IssuedToken {
    let mut issued = crate::issue(issue.kind(), &user.id, issue.ttl_secs(state));
    issued.record.amr = amr(first, second);
    issued
}

/// Writes the completed sign-in; a user voided, banned or deleted since
/// the password was checked answers as bad credentials, never a 500.
pub(super) async fn complete(
    state: &AppState,
    user: User,
    issue: Issue,
    device: Kept,
    proof: Proof<'_>,
) -> Result<Completed, Error> {
    let second = proof.second.map(|s| second_amr(Some(s)));
    let issued = issue_for(state, &user, issue, proof.first, second);
    let (device, record) = (device.token, device.record);
    let device_hash = device.hash();
    let written = state
        .store
        .complete_login(&LoginWrite {
            user: &user.id,
            checked_hash: proof.checked_hash,
            token: (&issued.hash, &issued.record),
            rehash: proof.rehash,
            second: proof.second,
            device: (&device_hash, &record),
            audit: &proof.events,
        })
        .await;
    match written {
        Ok(()) => Ok(Completed {
            user,
            issue,
            token: issued.token,
            device,
        }),
        Err(LoginWriteError::Voided) => Err(super::password::invalid_credentials()),
        Err(LoginWriteError::Store(e)) => Err(e.into()),
    }
}
