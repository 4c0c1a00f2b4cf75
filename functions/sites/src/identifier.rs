//! What an invitation's `identifier` names, and its canonical key (one
//! person, one key: `Max@X.org` and `max@x.org` are the same invitee).
//! The type follows from the identifier (docs/api/sites.md).

use crate::model::InvitationType;
use domain::{Email, Error, Username, UsernameRule};

const MAX_CHARS: usize = 255;

/// A parsed identifier. `Username` still has to be resolved to a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invitee {
    /// Anything but a platform user: its type and canonical key.
    Contact { kind: InvitationType, key: String },
    /// `unet:<integer user id>`.
    UserSeq(u64),
    /// A platform username (its lowercase key).
    Username(String),
}

impl Invitee {
    pub fn kind(&self) -> InvitationType {
        match self {
            Invitee::Contact { kind, .. } => *kind,
            _ => InvitationType::Unet,
        }
    }
}

/// The canonical key of a platform user's invitations.
pub fn unet_key(seq: u64) -> String {
    format!("unet:{seq}")
}

const NETWORKS: [(&str, InvitationType, &[&str]); 5] = [
    (
        "facebook",
        InvitationType::Facebook,
        &["facebook.com/", "fb.com/"],
    ),
    ("linkedin", InvitationType::Linkedin, &["linkedin.com/in/"]),
    (
        "twitter",
        InvitationType::Twitter,
        &["twitter.com/", "x.com/"],
    ),
    ("instagram", InvitationType::Instagram, &["instagram.com/"]),
    ("vk", InvitationType::Vk, &["vk.com/"]),
];

fn bad() -> Error {
    Error::invalid(
        "identifier",
        "must be an email address, a phone number (E.164 or phone-contact@<id>), \
         a facebook:/linkedin:/twitter:/instagram:/vk: profile or URL, \
         a platform username or unet:<user id>",
    )
}

pub fn parse(raw: &str) -> Result<Invitee, Error> {
    let n = raw.chars().count();
    if n == 0 || n > MAX_CHARS || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    if let Some(id) = raw.strip_prefix("phone-contact@") {
        return contact(InvitationType::Phone, "phone-contact@", id, false);
    }
    if let Some(digits) = raw.strip_prefix('+') {
        let ok = (8..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0');
        return if ok {
            Ok(Invitee::Contact {
                kind: InvitationType::Phone,
                key: raw.to_owned(),
            })
        } else {
            Err(bad())
        };
    }
    if let Some(rest) = raw.strip_prefix("unet:") {
        let seq = rest
            .parse::<u64>()
            .ok()
            .filter(|s| *s > 0 && rest.bytes().all(|b| b.is_ascii_digit()));
        return seq.map(Invitee::UserSeq).ok_or_else(bad);
    }
    for (prefix, kind, hosts) in NETWORKS {
        if let Some(handle) = raw.strip_prefix(prefix).and_then(|r| r.strip_prefix(':')) {
            return contact(kind, prefix, handle, true);
        }
        if let Some(handle) = profile_url(raw, hosts) {
            return contact(kind, prefix, handle, true);
        }
    }
    if raw.contains('@') {
        let email = Email::parse(raw).map_err(|_| bad())?;
        return Ok(Invitee::Contact {
            kind: InvitationType::Email,
            key: format!("email:{}", email.key()),
        });
    }
    if raw.contains("://") {
        return Err(bad());
    }
    let name = Username::parse(raw, UsernameRule::LOOKUP).map_err(|_| bad())?;
    Ok(Invitee::Username(name.key()))
}

/// `https://www.facebook.com/<handle>[/]` and the like: the handle.
fn profile_url<'a>(raw: &'a str, hosts: &[&str]) -> Option<&'a str> {
    let rest = raw
        .strip_prefix("https://")
        .or_else(|| raw.strip_prefix("http://"))?;
    let rest = rest
        .strip_prefix("www.")
        .or_else(|| rest.strip_prefix("m."))
        .unwrap_or(rest);
    let lower = rest.to_ascii_lowercase();
    let host = hosts.iter().find(|h| lower.starts_with(*h))?;
    let handle = rest[host.len()..].trim_end_matches('/');
    Some(handle)
}

fn contact(kind: InvitationType, prefix: &str, id: &str, handle: bool) -> Result<Invitee, Error> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    let ok = !id.is_empty()
        && id.len() <= 128
        && (!handle || id.chars().all(allowed))
        && !id.contains(['/', '?', '#']);
    if !ok {
        return Err(bad());
    }
    let id = if handle {
        id.to_ascii_lowercase()
    } else {
        id.to_owned()
    };
    let sep = if prefix.ends_with('@') { "" } else { ":" };
    Ok(Invitee::Contact {
        kind,
        key: format!("{prefix}{sep}{id}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use InvitationType::*;

    fn kind(raw: &str) -> InvitationType {
        parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}")).kind()
    }

    fn key(raw: &str) -> String {
        match parse(raw).unwrap() {
            Invitee::Contact { key, .. } => key,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn types_follow_from_the_identifier() {
        assert_eq!(kind("ann@example.com"), Email);
        assert_eq!(kind("phone-contact@abc123"), Phone);
        assert_eq!(kind("+14155550123"), Phone);
        assert_eq!(kind("facebook:ann.smith"), Facebook);
        assert_eq!(kind("https://www.facebook.com/ann.smith/"), Facebook);
        assert_eq!(kind("linkedin:ann"), Linkedin);
        assert_eq!(kind("https://linkedin.com/in/ann-smith"), Linkedin);
        assert_eq!(kind("twitter:ann"), Twitter);
        assert_eq!(kind("https://x.com/ann"), Twitter);
        assert_eq!(kind("instagram:ann_s"), Instagram);
        assert_eq!(kind("http://instagram.com/ann_s"), Instagram);
        assert_eq!(kind("vk:id42"), Vk);
        assert_eq!(kind("https://vk.com/id42"), Vk);
        assert_eq!(parse("unet:42").unwrap(), Invitee::UserSeq(42));
        assert_eq!(parse("Ann_S").unwrap(), Invitee::Username("ann_s".into()));
    }

    #[test]
    fn one_person_one_key() {
        assert_eq!(key("Ann@Example.com"), key("ann@example.com"));
        assert_eq!(
            key("facebook:Ann.Smith"),
            key("https://facebook.com/ann.smith")
        );
        assert_eq!(key("twitter:ann"), key("https://twitter.com/Ann"));
        assert_ne!(key("vk:ann"), key("twitter:ann"));
    }

    #[test]
    fn anything_else_is_refused() {
        for raw in [
            "",
            "a b",
            "+123",
            "+0123456789",
            "+1234567890123456",
            "unet:",
            "unet:x",
            "unet:0",
            "facebook:",
            "facebook:a/b",
            "https://example.com/ann",
            "not an email@",
            "ann@",
            "phone-contact@",
            "tiktok:ann",
            "ann!",
        ] {
            assert!(parse(raw).is_err(), "{raw}");
        }
        assert!(parse(&"a".repeat(256)).is_err());
    }
}
