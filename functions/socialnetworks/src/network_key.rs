//! A network's `key`: one of the networks the platform knows how to talk to
//! (an unknown key is refused: there would be no provider behind it), or
//! `oidc` / `oauth2`, a generic provider its settings describe.

use domain::Invalid;

pub const KNOWN: [&str; 24] = [
    "apple",
    "battlenet",
    "bitbucket",
    "discord",
    "epicgames",
    "facebook",
    "github",
    "gitlab",
    "google",
    "instagram",
    "linkedin",
    "mailru",
    "microsoft",
    "oauth2",
    "odnoklassniki",
    "oidc",
    "reddit",
    "spotify",
    "steam",
    "telegram",
    "twitch",
    "twitter",
    "vk",
    "yandex",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkKey(String);

impl NetworkKey {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        if KNOWN.contains(&raw) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(Invalid::new(format!(
                "is not a known social network (one of: {})",
                KNOWN.join(", ")
            )))
        }
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_lowercase_keys() {
        assert!(NetworkKey::parse("steam").is_ok());
        for bad in ["", "Steam", "myspace", "steam ", "vk\u{0}"] {
            assert!(NetworkKey::parse(bad).is_err(), "{bad:?}");
        }
    }
}
