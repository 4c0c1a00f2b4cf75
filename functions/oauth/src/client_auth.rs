//! Client authentication at the token and revocation endpoints (RFC 6749
//! §2.3): HTTP Basic (`client_secret_basic`), or `client_id` +
//! `client_secret` in the body (`client_secret_post`), or, for public
//! clients, `client_id` alone (`none`). One method per request.

use crate::error::{invalid_client, invalid_request};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use domain::opaque::hash_secret;
use domain::Error;
use http::header::AUTHORIZATION;
use http::HeaderMap;
use subtle::ConstantTimeEq;
use table::{ClientType, OAuthClient};

/// Who the request says it is, before checking.
pub struct Credentials {
    pub client_id: String,
    secret: Option<String>,
    /// Came through HTTP Basic (a 401 must then challenge with Basic).
    basic: bool,
}

/// Longest client id or secret read; ours are far shorter.
const MAX_LEN: usize = 256;

impl Credentials {
    /// The credentials of the request, refusing a mix of methods.
    pub fn from_request(
        headers: &HeaderMap,
        body_id: Option<String>,
        body_secret: Option<String>,
    ) -> Result<Self, Error> {
        let creds = match headers.get(AUTHORIZATION) {
            Some(value) => {
                if body_secret.is_some() {
                    return Err(invalid_request(
                        "use one client authentication method, not Basic and client_secret",
                    ));
                }
                let (id, secret) = parse_basic(value.to_str().unwrap_or_default())
                    .ok_or_else(|| invalid_client(true))?;
                if body_id.as_ref().is_some_and(|b| *b != id) {
                    return Err(invalid_client(true));
                }
                Self {
                    client_id: id,
                    // `id:` with an empty secret is how some public clients say "none".
                    secret: Some(secret).filter(|s| !s.is_empty()),
                    basic: true,
                }
            }
            None => Self {
                client_id: web::required(body_id, "client_id")?,
                secret: body_secret.filter(|s| !s.is_empty()),
                basic: false,
            },
        };
        if creds.client_id.is_empty()
            || creds.client_id.len() > MAX_LEN
            || creds.secret.as_ref().is_some_and(|s| s.len() > MAX_LEN)
        {
            return Err(invalid_client(creds.basic));
        }
        Ok(creds)
    }

    /// The registered client, if these credentials authenticate it.
    pub fn authenticate(&self, client: Option<OAuthClient>) -> Result<OAuthClient, Error> {
        let fail = || invalid_client(self.basic);
        let client = client.ok_or_else(fail)?;
        match (client.client_type, &self.secret, &client.secret_hash) {
            (ClientType::Confidential, Some(secret), Some(stored)) => {
                let ok: bool = hash_secret(secret)
                    .as_bytes()
                    .ct_eq(stored.as_bytes())
                    .into();
                ok.then_some(client).ok_or_else(fail)
            }
            // A public client has no secret; presenting one is a mistake
            // worth refusing rather than ignoring.
            (ClientType::Public, None, _) => Ok(client),
            _ => Err(fail()),
        }
    }
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))` (RFC 6749 §2.3.1).
fn parse_basic(value: &str) -> Option<(String, String)> {
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |s: &str| {
        url::form_urlencoded::parse(format!("v={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
    };
    Some((unescape(id)?, unescape(secret)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_url_decoded() {
        let header = format!("Basic {}", STANDARD.encode("cl_1:s%3Acret"));
        assert_eq!(parse_basic(&header), Some(("cl_1".into(), "s:cret".into())));
        assert_eq!(parse_basic("Bearer abc"), None);
        assert_eq!(parse_basic("Basic !!!"), None);
    }
}
