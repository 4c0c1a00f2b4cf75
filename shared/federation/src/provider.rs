//! A network as the platform signs in with it: the protocol, the scopes,
//! the platform's app credentials there. Built from the preset for the
//! network's key, with the network's `settings` (the seed's
//! `settings.keys`, opened from their sealed form by the caller) on top.

use crate::presets::{preset, Preset};
use crate::FederationError;
use std::collections::BTreeMap;
use url::Url;

/// The claim names of a provider's userinfo answer (or `id_token`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimMap {
    pub subject: String,
    pub email: String,
    pub email_verified: Option<String>,
    pub name: String,
    pub login: String,
    pub url: String,
}

impl ClaimMap {
    /// OpenID Connect's standard claims.
    pub fn oidc() -> Self {
        Self {
            subject: "sub".into(),
            email: "email".into(),
            email_verified: Some("email_verified".into()),
            name: "name".into(),
            login: "preferred_username".into(),
            url: "profile".into(),
        }
    }

    /// An OAuth 2.0 userinfo shape: `subject`, `login` and `url` named,
    /// `email` and `name` as usual, no verified address unless set.
    pub fn oauth2(subject: &str, login: &str, url: &str) -> Self {
        Self {
            subject: subject.into(),
            email: "email".into(),
            email_verified: None,
            name: "name".into(),
            login: login.into(),
            url: url.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Protocol {
    /// OpenID Connect: endpoints from the issuer's discovery document.
    OpenId { issuer: Url },
    /// OAuth 2.0 only: who signed in is read from `userinfo`.
    OAuth2 {
        authorize: Url,
        token: Url,
        userinfo: Url,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    pub key: String,
    pub protocol: Protocol,
    pub claims: ClaimMap,
    pub scope: String,
    pub client_id: String,
    pub client_secret: Option<String>,
}

/// The `settings` names a network may carry (docs/api/social-networks.md).
pub mod names {
    pub const CLIENT_ID: &str = "client_id";
    pub const CLIENT_SECRET: &str = "client_secret";
    pub const ISSUER: &str = "issuer";
    pub const AUTHORIZE: &str = "authorization_endpoint";
    pub const TOKEN: &str = "token_endpoint";
    pub const USERINFO: &str = "userinfo_endpoint";
    pub const SCOPE: &str = "scope";
    /// `claim_subject`, `claim_email`, … override the claim names.
    pub const CLAIM_PREFIX: &str = "claim_";
}

fn url(
    settings: &BTreeMap<String, String>,
    name: &str,
    preset: &str,
) -> Result<Url, FederationError> {
    let raw = settings.get(name).map(String::as_str).unwrap_or(preset);
    let parsed = Url::parse(raw)
        .map_err(|_| FederationError::NotConfigured(format!("`{name}` must be a URL")))?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        // Loopback providers (the local stack's test provider) only.
        "http" if is_loopback(&parsed) => Ok(parsed),
        _ => Err(FederationError::NotConfigured(format!(
            "`{name}` must be https"
        ))),
    }
}

fn is_loopback(u: &Url) -> bool {
    matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
}

impl Provider {
    /// The provider for network `key` under `settings`: an `issuer`
    /// makes it OpenID Connect, three endpoints make it OAuth 2.0, else
    /// the key's preset decides; `client_id` is always needed.
    pub fn from_settings(
        key: &str,
        settings: &BTreeMap<String, String>,
    ) -> Result<Self, FederationError> {
        let client_id = settings
            .get(names::CLIENT_ID)
            .filter(|c| !c.is_empty())
            .ok_or_else(|| FederationError::NotConfigured("`client_id` is missing".into()))?
            .clone();
        let preset = preset(key);
        let openid = !settings.contains_key(names::AUTHORIZE)
            && (settings.contains_key(names::ISSUER)
                || matches!(preset, Some(Preset::OpenId { .. })));
        let (protocol, mut claims, scope) = match openid {
            true => openid_parts(settings, preset.as_ref())?,
            false => oauth2_parts(settings, preset.as_ref())?,
        };
        override_claims(&mut claims, settings);
        Ok(Self {
            key: key.to_owned(),
            protocol,
            claims,
            scope: settings
                .get(names::SCOPE)
                .cloned()
                .unwrap_or_else(|| scope.to_owned()),
            client_id,
            client_secret: settings
                .get(names::CLIENT_SECRET)
                .filter(|s| !s.is_empty())
                .cloned(),
        })
    }
}

type Parts = (Protocol, ClaimMap, &'static str);

fn openid_parts(
    settings: &BTreeMap<String, String>,
    preset: Option<&Preset>,
) -> Result<Parts, FederationError> {
    let (issuer, scope) = match preset {
        Some(Preset::OpenId { issuer, scope }) => (*issuer, *scope),
        _ => ("", "openid email profile"),
    };
    let issuer = url(settings, names::ISSUER, issuer)?;
    Ok((Protocol::OpenId { issuer }, ClaimMap::oidc(), scope))
}

/// The preset's endpoints and claim names (when it is an OAuth 2.0 one),
/// each endpoint overridable; without a preset all three are needed.
fn oauth2_parts(
    settings: &BTreeMap<String, String>,
    preset: Option<&Preset>,
) -> Result<Parts, FederationError> {
    let Some(Preset::OAuth2 {
        authorize,
        token,
        userinfo,
        scope,
        subject,
        login,
        url: profile,
        email,
        email_verified,
        name,
    }) = preset
    else {
        let protocol = Protocol::OAuth2 {
            authorize: url(settings, names::AUTHORIZE, "")?,
            token: url(settings, names::TOKEN, "")?,
            userinfo: url(settings, names::USERINFO, "")?,
        };
        return Ok((protocol, ClaimMap::oauth2("sub", "login", ""), ""));
    };
    let protocol = Protocol::OAuth2 {
        authorize: url(settings, names::AUTHORIZE, authorize)?,
        token: url(settings, names::TOKEN, token)?,
        userinfo: url(settings, names::USERINFO, userinfo)?,
    };
    let mut map = ClaimMap::oauth2(subject, login, profile);
    map.email = (*email).into();
    map.email_verified = email_verified.map(str::to_owned);
    map.name = (*name).into();
    Ok((protocol, map, scope))
}

fn override_claims(map: &mut ClaimMap, settings: &BTreeMap<String, String>) {
    for (name, value) in settings {
        let Some(claim) = name.strip_prefix(names::CLAIM_PREFIX) else {
            continue;
        };
        let value = value.clone();
        match claim {
            "subject" => map.subject = value,
            "email" => map.email = value,
            "email_verified" => map.email_verified = Some(value).filter(|v| !v.is_empty()),
            "name" => map.name = value,
            "login" => map.login = value,
            "url" => map.url = value,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn presets_and_overrides() {
        let google = Provider::from_settings("google", &settings(&[("client_id", "g")])).unwrap();
        assert!(
            matches!(&google.protocol, Protocol::OpenId { issuer } if issuer.as_str() == "https://accounts.google.com/")
        );
        let local = settings(&[("client_id", "c"), ("issuer", "http://127.0.0.1:9400")]);
        let dev = Provider::from_settings("dev", &local).unwrap();
        assert!(matches!(dev.protocol, Protocol::OpenId { .. }));
        let github = Provider::from_settings(
            "github",
            &settings(&[("client_id", "c"), ("claim_email_verified", "verified")]),
        )
        .unwrap();
        assert!(matches!(github.protocol, Protocol::OAuth2 { .. }));
        assert_eq!(github.claims.subject, "id");
        assert_eq!(github.claims.email_verified.as_deref(), Some("verified"));
    }

    #[test]
    fn what_is_missing_or_unsafe_is_refused() {
        let refused = |key: &str, pairs: &[(&str, &str)]| {
            Provider::from_settings(key, &settings(pairs)).is_err()
        };
        assert!(refused("google", &[]), "no client_id");
        assert!(
            refused("reddit", &[("client_id", "c")]),
            "no preset, no endpoints"
        );
        assert!(
            refused(
                "dev",
                &[("client_id", "c"), ("issuer", "http://idp.example.com")]
            ),
            "plain http"
        );
        assert!(refused(
            "dev",
            &[("client_id", "c"), ("issuer", "not a url")]
        ));
        let oauth = [
            ("client_id", "c"),
            ("authorization_endpoint", "https://a.example/auth"),
            ("token_endpoint", "https://a.example/token"),
            ("userinfo_endpoint", "https://a.example/me"),
        ];
        assert!(!refused("reddit", &oauth));
    }
}
