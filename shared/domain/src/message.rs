//! Messages the platform sends. A state change that must send one writes it
//! to the outbox in the same transaction; the notifier renders it from its
//! kind's templates (text and HTML, per language) and sends it. `data`
//! holds the template's variables (listed per kind below).

use crate::{User, UserId};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Every kind of message, with the variables its templates use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// `code`: verify the address of a new account.
    VerificationCode,
    /// The account is ready (no verification required).
    Welcome,
    /// Someone tried to sign up with this address again.
    AlreadyRegistered,
    /// `code`: reset the password.
    ResetCode,
    /// A reset was asked for an address without an account.
    NoAccount,
    /// Security notice: the password was changed or reset.
    PasswordChanged,
    /// `code`: confirm a new address (sent to the new address).
    ChangeEmailCode,
    /// Security notice to the old address: a change was asked.
    EmailChangeRequested,
    /// Security notice to the old address: the change is done.
    EmailChanged,
    /// `code`: the second step of a login.
    TwoFactorCode,
    /// Security notice: `enabled` (bool), emailed 2FA switched on or off.
    TwoFactorChanged,
    /// Security notice: an authenticator app was set up.
    TotpEnabled,
    /// `site_title`, `link`, `label`, `inviter`: an invitation to a site.
    SiteInvitation,
    /// `title`, `message`, `type`: a notification of the App Users API.
    Notification,
    /// `url`, `minutes`: the link to an archive of the account's data.
    DataExport,
    /// Security notice: `name`, a passkey whose signature counter went
    /// backwards (a cloned authenticator?); every session was ended.
    PasskeyCounter,
}

impl MessageKind {
    pub const ALL: [MessageKind; 16] = [
        MessageKind::VerificationCode,
        MessageKind::Welcome,
        MessageKind::AlreadyRegistered,
        MessageKind::ResetCode,
        MessageKind::NoAccount,
        MessageKind::PasswordChanged,
        MessageKind::ChangeEmailCode,
        MessageKind::EmailChangeRequested,
        MessageKind::EmailChanged,
        MessageKind::TwoFactorCode,
        MessageKind::TwoFactorChanged,
        MessageKind::TotpEnabled,
        MessageKind::SiteInvitation,
        MessageKind::Notification,
        MessageKind::DataExport,
        MessageKind::PasskeyCounter,
    ];

    /// The name of its template files.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::VerificationCode => "verification_code",
            MessageKind::Welcome => "welcome",
            MessageKind::AlreadyRegistered => "already_registered",
            MessageKind::ResetCode => "reset_code",
            MessageKind::NoAccount => "no_account",
            MessageKind::PasswordChanged => "password_changed",
            MessageKind::ChangeEmailCode => "change_email_code",
            MessageKind::EmailChangeRequested => "email_change_requested",
            MessageKind::EmailChanged => "email_changed",
            MessageKind::TwoFactorCode => "two_factor_code",
            MessageKind::TwoFactorChanged => "two_factor_changed",
            MessageKind::TotpEnabled => "totp_enabled",
            MessageKind::SiteInvitation => "site_invitation",
            MessageKind::Notification => "notification",
            MessageKind::DataExport => "data_export",
            MessageKind::PasskeyCounter => "passkey_counter",
        }
    }
}

/// The languages templates exist in; anything else falls back to English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Es,
}

impl Language {
    /// `es`, `es-ES`, `ES_mx` → Spanish; anything unknown → English.
    pub fn parse_or_default(raw: &str) -> Self {
        let primary = raw
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "es" => Language::Es,
            _ => Language::En,
        }
    }

    /// A user's language for their mail (`None` reads as English).
    pub fn of(user: &User) -> Self {
        Self::parse_or_default(user.language.as_deref().unwrap_or("en"))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Es => "es",
        }
    }
}

/// An item whose status follows its message's delivery (a site
/// invitation): `sent` once the message went out, `invalid` when delivery
/// failed for good.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageOwner {
    pub pk: String,
    pub sk: String,
}

/// One message to send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub to: String,
    pub kind: MessageKind,
    #[serde(default)]
    pub language: Language,
    #[serde(default)]
    pub data: Map<String, Value>,
    #[serde(default)]
    pub owner: Option<MessageOwner>,
    /// The account the recipient holds, when the sender knows only its id:
    /// the notifier reads that account's language (`language` is then the
    /// fallback for an account gone meanwhile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

impl Message {
    pub fn new(to: impl Into<String>, kind: MessageKind) -> Self {
        Self {
            to: to.into(),
            kind,
            language: Language::En,
            data: Map::new(),
            owner: None,
            user: None,
        }
    }

    /// A message to `user`'s own address, in their language.
    pub fn to_user(user: &User, kind: MessageKind) -> Self {
        Self::new(&user.email, kind).in_language(Language::of(user))
    }

    /// The recipient holds the account `id`: the notifier finds its language.
    pub fn for_user(mut self, id: &UserId) -> Self {
        self.user = Some(id.as_str().to_owned());
        self
    }

    /// Adds one template variable.
    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.data.insert(name.to_owned(), value.into());
        self
    }

    pub fn in_language(mut self, language: Language) -> Self {
        self.language = language;
        self
    }

    pub fn owned_by(mut self, pk: impl Into<String>, sk: impl Into<String>) -> Self {
        self.owner = Some(MessageOwner {
            pk: pk.into(),
            sk: sk.into(),
        });
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_languages_fall_back_to_english() {
        assert_eq!(Language::parse_or_default("es-MX"), Language::Es);
        assert_eq!(Language::parse_or_default("ES"), Language::Es);
        assert_eq!(Language::parse_or_default("fr"), Language::En);
        assert_eq!(Language::parse_or_default(""), Language::En);
    }

    #[test]
    fn kinds_name_their_templates_once() {
        let names: std::collections::BTreeSet<_> =
            MessageKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), MessageKind::ALL.len());
        for kind in MessageKind::ALL {
            let json = serde_json::to_value(kind).unwrap();
            assert_eq!(json, kind.as_str());
        }
    }
}
