//! The surface's enumerations, spelled as the document spells them, and the
//! invitation status lifecycle (docs/api/sites.md lists the transitions).

use domain::Error;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SiteType {
    Lander,
    Community,
    Shop,
}

impl SiteType {
    pub const ALL: [SiteType; 3] = [SiteType::Lander, SiteType::Community, SiteType::Shop];

    pub fn as_str(self) -> &'static str {
        match self {
            SiteType::Lander => "lander",
            SiteType::Community => "community",
            SiteType::Shop => "shop",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == raw)
    }
}

/// A member's role on one site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SiteRole {
    Admin,
    Member,
}

impl SiteRole {
    pub fn as_str(self) -> &'static str {
        match self {
            SiteRole::Admin => "admin",
            SiteRole::Member => "member",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "admin" => Some(SiteRole::Admin),
            "member" => Some(SiteRole::Member),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InvitationType {
    Unet,
    Email,
    Phone,
    Facebook,
    Linkedin,
    Twitter,
    Instagram,
    Vk,
}

impl InvitationType {
    pub fn as_str(self) -> &'static str {
        match self {
            InvitationType::Unet => "unet",
            InvitationType::Email => "email",
            InvitationType::Phone => "phone",
            InvitationType::Facebook => "facebook",
            InvitationType::Linkedin => "linkedin",
            InvitationType::Twitter => "twitter",
            InvitationType::Instagram => "instagram",
            InvitationType::Vk => "vk",
        }
    }
}

/// The document's statuses. `api-contact` is listed by the document but
/// never produced by this platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InvitationStatus {
    Created,
    Processed,
    Sent,
    Invalid,
    Used,
    ApiContact,
    Deleted,
}

impl InvitationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InvitationStatus::Created => "created",
            InvitationStatus::Processed => "processed",
            InvitationStatus::Sent => "sent",
            InvitationStatus::Invalid => "invalid",
            InvitationStatus::Used => "used",
            InvitationStatus::ApiContact => "api-contact",
            InvitationStatus::Deleted => "deleted",
        }
    }

    /// States a `sent` from the client may leave (and `sent` itself: a
    /// repeated report is idempotent).
    pub const CLIENT_SENT_FROM: [InvitationStatus; 3] = [
        InvitationStatus::Created,
        InvitationStatus::Processed,
        InvitationStatus::Sent,
    ];

    /// States an invitation can be accepted from.
    pub const ACCEPTABLE: [InvitationStatus; 3] = [
        InvitationStatus::Created,
        InvitationStatus::Processed,
        InvitationStatus::Sent,
    ];
}

/// The only status a client may set (`status` and `update`).
pub fn parse_client_status(raw: &str) -> Result<InvitationStatus, Error> {
    match raw {
        "sent" => Ok(InvitationStatus::Sent),
        _ => Err(Error::invalid(
            "status",
            "the only status a client may set is `sent`",
        )),
    }
}

/// Whether the client may mark an invitation of `kind` in `from` as sent.
/// Email invitations are sent (and marked) by the platform itself.
pub fn check_client_sent(kind: InvitationType, from: InvitationStatus) -> Result<(), Error> {
    if kind == InvitationType::Email {
        return Err(illegal(
            "email invitations are marked sent by the platform when the email goes out",
        ));
    }
    if !InvitationStatus::CLIENT_SENT_FROM.contains(&from) {
        return Err(illegal(format!(
            "an invitation in status `{}` cannot become `sent`",
            from.as_str()
        )));
    }
    Ok(())
}

/// Whether an invitation in `from` may be accepted.
pub fn check_acceptable(from: InvitationStatus) -> Result<(), Error> {
    if InvitationStatus::ACCEPTABLE.contains(&from) {
        return Ok(());
    }
    let code = if from == InvitationStatus::Used {
        "invitation_used"
    } else {
        "illegal_transition"
    };
    Err(Error::conflict(
        code,
        format!(
            "an invitation in status `{}` cannot be accepted",
            from.as_str()
        ),
    ))
}

pub fn illegal(message: impl Into<std::borrow::Cow<'static, str>>) -> Error {
    Error::conflict("illegal_transition", message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use InvitationStatus::*;

    #[test]
    fn statuses_use_the_documents_spelling() {
        for s in [Created, Processed, Sent, Invalid, Used, ApiContact, Deleted] {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
    }

    #[test]
    fn client_may_only_mark_non_email_invitations_sent_while_waiting() {
        for from in [Created, Processed, Sent] {
            assert!(check_client_sent(InvitationType::Phone, from).is_ok());
            assert!(check_client_sent(InvitationType::Email, from).is_err());
        }
        for from in [Invalid, Used, Deleted, ApiContact] {
            let e = check_client_sent(InvitationType::Unet, from).unwrap_err();
            assert_eq!(e.code, "illegal_transition");
        }
        assert!(parse_client_status("used").is_err());
    }

    #[test]
    fn accept_only_from_waiting_states() {
        for from in [Created, Processed, Sent] {
            assert!(check_acceptable(from).is_ok());
        }
        assert_eq!(check_acceptable(Used).unwrap_err().code, "invitation_used");
        assert_eq!(
            check_acceptable(Invalid).unwrap_err().code,
            "illegal_transition"
        );
    }
}
