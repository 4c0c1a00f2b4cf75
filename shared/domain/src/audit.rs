//! Security events of one account (the audit log): what happened, when,
//! from where and by whom, with a small detail map. Built here, written by
//! `table::audit` beside the change it records (docs/security.md "Audit
//! log"). An event never carries a secret: no password, code, token or
//! hash of one; the detail map holds names (a client id, a network, a
//! method), never values a caller typed.

use crate::UserId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Longest user agent kept (characters); the rest is cut.
pub const MAX_USER_AGENT_CHARS: usize = 256;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    SignIn,
    SignInFailed,
    NewDevice,
    TotpEnabled,
    TwoFactorDisabled,
    EmailTwoFactorEnabled,
    PasswordChanged,
    PasswordReset,
    EmailChanged,
    SessionRevoked,
    SessionsRevokedAll,
    OauthAccessRevoked,
    TokenRevoked,
    NetworkLinked,
    NetworkUnlinked,
    Banned,
    Unbanned,
    Unlocked,
    RoleChanged,
    SuperuserChanged,
    /// Recorded by the account's deletion and export (issue 22's other
    /// half), which leave the log in place until its TTL.
    AccountDeleted,
    DataExported,
}

impl Kind {
    /// Every kind, for the lists that must name each one (the account
    /// page's words, the API's enum).
    pub const ALL: [Kind; 22] = [
        Kind::SignIn,
        Kind::SignInFailed,
        Kind::NewDevice,
        Kind::TotpEnabled,
        Kind::TwoFactorDisabled,
        Kind::EmailTwoFactorEnabled,
        Kind::PasswordChanged,
        Kind::PasswordReset,
        Kind::EmailChanged,
        Kind::SessionRevoked,
        Kind::SessionsRevokedAll,
        Kind::OauthAccessRevoked,
        Kind::TokenRevoked,
        Kind::NetworkLinked,
        Kind::NetworkUnlinked,
        Kind::Banned,
        Kind::Unbanned,
        Kind::Unlocked,
        Kind::RoleChanged,
        Kind::SuperuserChanged,
        Kind::AccountDeleted,
        Kind::DataExported,
    ];

    /// The wire name (`sign_in_failed`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::SignIn => "sign_in",
            Kind::SignInFailed => "sign_in_failed",
            Kind::NewDevice => "new_device",
            Kind::TotpEnabled => "totp_enabled",
            Kind::TwoFactorDisabled => "two_factor_disabled",
            Kind::EmailTwoFactorEnabled => "email_two_factor_enabled",
            Kind::PasswordChanged => "password_changed",
            Kind::PasswordReset => "password_reset",
            Kind::EmailChanged => "email_changed",
            Kind::SessionRevoked => "session_revoked",
            Kind::SessionsRevokedAll => "sessions_revoked_all",
            Kind::OauthAccessRevoked => "oauth_access_revoked",
            Kind::TokenRevoked => "token_revoked",
            Kind::NetworkLinked => "network_linked",
            Kind::NetworkUnlinked => "network_unlinked",
            Kind::Banned => "banned",
            Kind::Unbanned => "unbanned",
            Kind::Unlocked => "unlocked",
            Kind::RoleChanged => "role_changed",
            Kind::SuperuserChanged => "superuser_changed",
            Kind::AccountDeleted => "account_deleted",
            Kind::DataExported => "data_exported",
        }
    }
}

/// Who acted: the account's owner, the operator CLI, or a moderator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Actor {
    /// The user themself (or someone with their password, for a failure).
    User,
    /// The operator CLI (`platform user …`).
    Operator,
    /// A moderator, by id (the Accounts API's `updateRole`, the App Users
    /// API's moderation).
    Moderator(UserId),
    /// An app: a backend with an API key (the App Users API's moderation,
    /// the Social Networks API's links), or an OAuth client revoking its
    /// own grant (`client_id` in the detail).
    App,
    /// The platform itself: a replayed code or refresh token revokes its
    /// grant (`reason` in the detail).
    Platform,
}

impl Actor {
    /// The actor's kind as shown: `user`, `operator`, `moderator`, `app`.
    pub fn label(&self) -> &'static str {
        match self {
            Actor::User => "user",
            Actor::Operator => "operator",
            Actor::Moderator(_) => "moderator",
            Actor::App => "app",
            Actor::Platform => "platform",
        }
    }

    /// The moderator's id, for a moderator's action.
    pub fn id(&self) -> Option<&UserId> {
        match self {
            Actor::Moderator(id) => Some(id),
            _ => None,
        }
    }
}

/// Why a sign-in failed, in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    WrongPassword,
    WrongCode,
    Locked,
    Banned,
    Unverified,
}

impl Failure {
    pub fn as_str(self) -> &'static str {
        match self {
            Failure::WrongPassword => "wrong_password",
            Failure::WrongCode => "wrong_code",
            Failure::Locked => "locked",
            Failure::Banned => "banned",
            Failure::Unverified => "unverified",
        }
    }
}

/// One security event, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub kind: Kind,
    pub actor: Actor,
    pub ip: Option<String>,
    /// Cut to [`MAX_USER_AGENT_CHARS`].
    pub user_agent: Option<String>,
    pub detail: BTreeMap<String, String>,
}

impl Event {
    pub fn new(kind: Kind, actor: Actor) -> Self {
        Self {
            kind,
            actor,
            ip: None,
            user_agent: None,
            detail: BTreeMap::new(),
        }
    }

    /// An event the user caused themself.
    pub fn by_user(kind: Kind) -> Self {
        Self::new(kind, Actor::User)
    }

    /// An operator's action (the CLI).
    pub fn by_operator(kind: Kind) -> Self {
        Self::new(kind, Actor::Operator)
    }

    /// A moderator's action on another user.
    pub fn by_moderator(kind: Kind, moderator: &UserId) -> Self {
        Self::new(kind, Actor::Moderator(moderator.clone()))
    }

    /// Where the request came from.
    pub fn from(mut self, ip: Option<std::net::IpAddr>, user_agent: Option<&str>) -> Self {
        self.ip = ip.map(|ip| ip.to_string());
        self.user_agent = user_agent
            .map(|ua| ua.chars().filter(|c| !c.is_control()))
            .map(|chars| chars.take(MAX_USER_AGENT_CHARS).collect::<String>())
            .filter(|ua| !ua.trim().is_empty());
        self
    }

    /// One entry of the detail map (a name, never a secret).
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.detail.insert(key.to_owned(), value.into());
        self
    }

    /// A failed sign-in, and why.
    pub fn failed(reason: Failure, method: &str) -> Self {
        Self::by_user(Kind::SignInFailed)
            .with("reason", reason.as_str())
            .with("method", method)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agents_are_cut_and_cleaned() {
        let long = "a".repeat(1000);
        let e = Event::by_user(Kind::SignIn).from(None, Some(&long));
        assert_eq!(e.user_agent.unwrap().len(), MAX_USER_AGENT_CHARS);
        let e = Event::by_user(Kind::SignIn).from(None, Some("x\ny"));
        assert_eq!(e.user_agent.as_deref(), Some("xy"));
        let e = Event::by_user(Kind::SignIn).from(None, Some("  "));
        assert_eq!(e.user_agent, None);
    }

    #[test]
    fn kinds_serialize_as_their_wire_names() {
        for kind in Kind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
    }
}
