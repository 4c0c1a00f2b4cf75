//! The authorization request (RFC 6749 §4.1.1, OpenID Connect Core
//! §3.1.2.1) as it arrives, and its checks against the client: every
//! failure here goes back to the client's redirect URI.

use crate::pkce;
use domain::scopes::ScopeSet;
use domain::time;
use serde::Deserialize;
use table::{ClientType, OAuthClient, TokenRecord};

/// Longest `nonce` kept.
const MAX_NONCE: usize = 512;

#[derive(Deserialize)]
pub struct AuthorizeRequest {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    // OpenID Connect Core §3.1.2.1.
    pub nonce: Option<String>,
    pub prompt: Option<String>,
    pub max_age: Option<String>,
    pub login_hint: Option<String>,
    pub ui_locales: Option<String>,
    /// `denied` when the consent page sends the user back having said no.
    pub consent: Option<String>,
}

/// An error sent back through the redirect URI: its code and description.
pub type Refusal = (&'static str, String);

/// `prompt` (OpenID Connect Core §3.1.2.1): what the user must be asked
/// even if nothing else would ask (`login`, `consent`), or that nothing may
/// be asked (`none`, alone). `select_account` is accepted: one browser
/// holds one session here.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Prompt {
    pub none: bool,
    pub login: bool,
    pub consent: bool,
}

impl Prompt {
    /// `None` for an unknown value, or `none` beside another.
    pub fn parse(raw: Option<&str>) -> Option<Self> {
        let mut p = Prompt::default();
        let values: Vec<&str> = raw
            .unwrap_or("")
            .split(' ')
            .filter(|v| !v.is_empty())
            .collect();
        for v in &values {
            match *v {
                "none" => p.none = true,
                "login" => p.login = true,
                "consent" => p.consent = true,
                "select_account" => {}
                _ => return None,
            }
        }
        (!p.none || values.len() == 1).then_some(p)
    }

    /// The `prompt` value once `answered` has been asked ("login" or
    /// "consent"): what the request returns with, so it does not ask again.
    pub fn without(raw: &str, answered: &str) -> String {
        raw.split(' ')
            .filter(|v| !v.is_empty() && *v != answered)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// An authorization request that passed every check.
pub struct Checked {
    pub scopes: ScopeSet,
    pub challenge: Option<String>,
    pub prompt: Prompt,
    /// `max_age` in seconds.
    pub max_age: Option<i64>,
    /// The user turned the client down on the consent page.
    pub denied: bool,
}

impl Checked {
    /// The session's sign-in is older than `max_age` allows.
    pub fn too_old(&self, session: &TokenRecord) -> bool {
        self.max_age
            .is_some_and(|max| time::now_secs() - session.issued_at.div_euclid(1000) > max)
    }
}

/// The request's scopes, PKCE challenge and OpenID Connect parameters,
/// checked against the client.
pub fn check_request(req: &AuthorizeRequest, client: &OAuthClient) -> Result<Checked, Refusal> {
    let refuse = |error, description: &str| Err((error, description.to_owned()));
    match req.response_type.as_deref() {
        Some("code") => {}
        None => return refuse("invalid_request", "response_type is required"),
        Some(_) => {
            return refuse(
                "unsupported_response_type",
                "only response_type=code is supported",
            )
        }
    }
    let scopes = match req.scope.as_deref().map(ScopeSet::parse) {
        None => return refuse("invalid_scope", "scope is required"),
        Some(Err(e)) => return refuse("invalid_scope", &e.to_string()),
        Some(Ok(s)) if s.is_empty() => return refuse("invalid_scope", "scope is empty"),
        Some(Ok(s)) => s,
    };
    if !scopes.is_subset_of(&ScopeSet::parse_lenient(&client.scopes)) {
        return refuse(
            "invalid_scope",
            "scope asks for more than the client is allowed",
        );
    }
    let challenge = match (
        req.code_challenge.as_deref(),
        req.code_challenge_method.as_deref(),
    ) {
        (Some(c), Some(pkce::METHOD)) if pkce::is_challenge(c) => Some(c.to_owned()),
        (Some(_), Some(pkce::METHOD)) => {
            return refuse("invalid_request", "code_challenge is malformed")
        }
        (Some(_), _) => return refuse("invalid_request", "code_challenge_method must be S256"),
        (None, Some(_)) => return refuse("invalid_request", "code_challenge is required"),
        (None, None) if client.client_type == ClientType::Public => {
            return refuse(
                "invalid_request",
                "PKCE is required: send code_challenge with code_challenge_method=S256",
            )
        }
        (None, None) => None,
    };
    if req.nonce.as_ref().is_some_and(|n| n.len() > MAX_NONCE) {
        return refuse("invalid_request", "nonce is too long");
    }
    let prompt = match Prompt::parse(req.prompt.as_deref()) {
        Some(p) => p,
        None => return refuse("invalid_request", "prompt is not a valid value"),
    };
    let max_age = match req.max_age.as_deref().map(str::parse::<i64>) {
        None => None,
        Some(Ok(secs)) if secs >= 0 => Some(secs),
        Some(_) => {
            return refuse(
                "invalid_request",
                "max_age must be a whole number of seconds",
            )
        }
    };
    Ok(Checked {
        scopes,
        challenge,
        prompt,
        max_age,
        denied: req.consent.as_deref() == Some("denied"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_values() {
        let p = Prompt::parse(Some("login consent")).unwrap();
        assert!(p.login && p.consent && !p.none);
        assert!(Prompt::parse(Some("none")).unwrap().none);
        assert!(Prompt::parse(Some("none login")).is_none());
        assert!(Prompt::parse(Some("sometimes")).is_none());
        assert_eq!(Prompt::parse(None), Some(Prompt::default()));
        assert_eq!(Prompt::without("login consent", "login"), "consent");
        assert_eq!(Prompt::without("consent", "consent"), "");
    }
}
