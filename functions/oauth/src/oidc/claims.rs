//! The standard claims (OpenID Connect Core §5.1) of a user, as far as the
//! granted scopes reach (§5.4): `sub` always, the profile claims with
//! `profile`, `email` and `email_verified` with `email`.

use domain::scopes::{self, ScopeSet};
use domain::User;
use serde::Serialize;

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct UserClaims {
    pub sub: String,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub profile: Option<ProfileClaims>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub email: Option<EmailClaims>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ProfileClaims {
    pub preferred_username: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birthdate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zoneinfo: Option<String>,
    pub locale: String,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct EmailClaims {
    pub email: String,
    pub email_verified: bool,
}

pub fn of(user: &User, granted: &ScopeSet) -> UserClaims {
    let profile = granted.contains(scopes::PROFILE).then(|| {
        let given = non_empty(&user.first_name);
        let family = non_empty(&user.last_name);
        let name = match (&given, &family) {
            (Some(g), Some(f)) => Some(format!("{g} {f}")),
            (Some(one), None) | (None, Some(one)) => Some(one.clone()),
            (None, None) => None,
        };
        ProfileClaims {
            preferred_username: user.username.clone(),
            name,
            given_name: given,
            family_name: family,
            gender: non_empty(&user.sex).or_else(|| non_empty(&user.gender)),
            birthdate: non_empty(&user.birth_date),
            zoneinfo: non_empty(&user.timezone),
            locale: user.language.clone().unwrap_or_else(|| "en".to_owned()),
        }
    });
    let email = granted.contains(scopes::EMAIL).then(|| EmailClaims {
        email: user.email.clone(),
        email_verified: user.email_verified,
    });
    UserClaims {
        sub: user.id.to_string(),
        profile,
        email,
    }
}

fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_ref().filter(|s| !s.trim().is_empty()).cloned()
}
