//! Who a network says signed in, in the platform's terms.

use serde_json::Value;

use crate::provider::ClaimMap;

/// An account at a network: its stable id there, and what it tells about
/// the person. `email_verified` is true only when the network asserts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalIdentity {
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
    pub login: Option<String>,
    pub profile_url: Option<String>,
}

/// The claim `name` names: a top-level member, or a dotted path into
/// nested objects (`user.user_id`).
fn claim<'a>(claims: &'a Value, name: &str) -> Option<&'a Value> {
    if name.is_empty() {
        return None;
    }
    name.split('.').try_fold(claims, |v, part| v.get(part))
}

/// A claim as text: strings as they are, numbers (GitHub's and Discord's
/// ids) in decimal; anything else is absent.
fn text(claims: &Value, name: &str) -> Option<String> {
    match claim(claims, name)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn truthy(claims: &Value, name: &str) -> bool {
    match claim(claims, name) {
        Some(Value::Bool(b)) => *b,
        // Some providers (Apple) send it as a string.
        Some(Value::String(s)) => s == "true",
        _ => false,
    }
}

impl ExternalIdentity {
    /// The identity `claims` state under `map`; `None` without a subject.
    pub fn from_claims(claims: &Value, map: &ClaimMap) -> Option<Self> {
        let email = text(claims, &map.email);
        let email_verified = email.is_some()
            && match &map.email_verified {
                Some(claim) => truthy(claims, claim),
                None => false,
            };
        Some(Self {
            subject: text(claims, &map.subject)?,
            email,
            email_verified,
            name: text(claims, &map.name),
            login: text(claims, &map.login),
            profile_url: text(claims, &map.url),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_are_ids_and_verification_is_asserted_only() {
        let map = ClaimMap::oauth2("id", "login", "html_url");
        let c = json!({"id": 583231, "login": "octocat", "email": "o@example.com",
                       "html_url": "https://github.com/octocat"});
        let id = ExternalIdentity::from_claims(&c, &map).unwrap();
        assert_eq!(id.subject, "583231");
        assert_eq!(id.login.as_deref(), Some("octocat"));
        assert!(!id.email_verified, "no claim asserts the address");
        assert!(ExternalIdentity::from_claims(&json!({"login": "x"}), &map).is_none());
        let nested = ClaimMap::oauth2("user.user_id", "", "");
        let vk = json!({"user": {"user_id": "42"}});
        assert_eq!(
            ExternalIdentity::from_claims(&vk, &nested).unwrap().subject,
            "42"
        );
    }

    #[test]
    fn oidc_claims_map_as_the_standard_names_them() {
        let map = ClaimMap::oidc();
        let c = json!({"sub": "abc", "email": "a@example.com", "email_verified": "true",
                       "name": "Ann", "preferred_username": "ann"});
        let id = ExternalIdentity::from_claims(&c, &map).unwrap();
        assert!(id.email_verified);
        assert_eq!(id.name.as_deref(), Some("Ann"));
        assert_eq!(id.login.as_deref(), Some("ann"));
        let unverified = json!({"sub": "abc", "email_verified": true});
        assert!(
            !ExternalIdentity::from_claims(&unverified, &map)
                .unwrap()
                .email_verified
        );
    }
}
