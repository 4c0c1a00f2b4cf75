//! What the platform knows about each network it has a provider for: the
//! issuer of the OpenID Connect ones (the rest comes from discovery), the
//! endpoints and claim names of the OAuth-2.0-only ones. A network's
//! `settings` may override any of it (docs/api/social-networks.md).
//! Steam speaks OpenID 2.0, not OAuth: it has no preset and stays link-only.

/// A network's protocol as shipped.
pub enum Preset {
    OpenId {
        issuer: &'static str,
        scope: &'static str,
    },
    OAuth2 {
        authorize: &'static str,
        token: &'static str,
        userinfo: &'static str,
        scope: &'static str,
        /// Claim names in the userinfo answer: subject, login, profile URL,
        /// email, whether the email is verified, display name.
        subject: &'static str,
        login: &'static str,
        url: &'static str,
        email: &'static str,
        email_verified: Option<&'static str>,
        name: &'static str,
    },
}

const OIDC_SCOPE: &str = "openid email profile";

pub fn preset(key: &str) -> Option<Preset> {
    let oidc = |issuer| Preset::OpenId {
        issuer,
        scope: OIDC_SCOPE,
    };
    Some(match key {
        "google" => oidc("https://accounts.google.com"),
        "apple" => Preset::OpenId {
            issuer: "https://appleid.apple.com",
            scope: "openid email name",
        },
        // Personal and work accounts; a single-tenant app sets `issuer`.
        "microsoft" => oidc("https://login.microsoftonline.com/consumers/v2.0"),
        "gitlab" => oidc("https://gitlab.com"),
        "twitch" => oidc("https://id.twitch.tv/oauth2"),
        "github" => Preset::OAuth2 {
            authorize: "https://github.com/login/oauth/authorize",
            token: "https://github.com/login/oauth/access_token",
            userinfo: "https://api.github.com/user",
            scope: "read:user user:email",
            subject: "id",
            login: "login",
            url: "html_url",
            email: "email",
            // The profile's public address is not a verified one.
            email_verified: None,
            name: "name",
        },
        "discord" => Preset::OAuth2 {
            authorize: "https://discord.com/oauth2/authorize",
            token: "https://discord.com/api/oauth2/token",
            userinfo: "https://discord.com/api/users/@me",
            scope: "identify email",
            subject: "id",
            login: "username",
            url: "",
            email: "email",
            email_verified: Some("verified"),
            name: "global_name",
        },
        "facebook" => Preset::OAuth2 {
            authorize: "https://www.facebook.com/v19.0/dialog/oauth",
            token: "https://graph.facebook.com/v19.0/oauth/access_token",
            userinfo: "https://graph.facebook.com/me?fields=id,name,email,link",
            scope: "public_profile email",
            subject: "id",
            login: "",
            url: "link",
            email: "email",
            email_verified: None,
            name: "name",
        },
        "vk" => Preset::OAuth2 {
            authorize: "https://id.vk.com/authorize",
            token: "https://id.vk.com/oauth2/auth",
            userinfo: "https://id.vk.com/oauth2/user_info",
            scope: "email",
            subject: "user.user_id",
            login: "",
            url: "",
            email: "user.email",
            email_verified: None,
            name: "user.first_name",
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_networks_the_issue_names_have_presets() {
        for key in [
            "google",
            "apple",
            "microsoft",
            "github",
            "gitlab",
            "discord",
            "twitch",
            "facebook",
            "vk",
        ] {
            assert!(preset(key).is_some(), "{key}");
        }
        assert!(preset("steam").is_none(), "OpenID 2.0: link-only");
    }
}
