//! Registering OAuth clients (the operator CLI's `oauth-client create`):
//! the rules a redirect URI and a scope list must meet, the client id, and
//! the secret that is shown once and stored only as a hash.

use domain::opaque::OpaqueToken;
use domain::scopes::ScopeSet;
use table::{ClientType, OAuthClient, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("invalid redirect URI `{0}`: {1}")]
    RedirectUri(String, &'static str),
    #[error("at least one --redirect-uri is required")]
    NoRedirectUri,
    #[error("{0}")]
    Scope(String),
    #[error("--name must be 1 to 100 characters")]
    Name,
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct Registered {
    pub client: OAuthClient,
    /// Confidential clients only; shown once, never stored.
    pub secret: Option<String>,
}

/// An absolute URI without fragment; `https`, or `http` only on a loopback
/// host (native apps, local development), or a private-use scheme with a
/// dot (`com.example.app:/cb`, RFC 8252 §7.1).
pub fn check_redirect_uri(raw: &str) -> Result<String, RegisterError> {
    let bad = |why| RegisterError::RedirectUri(raw.to_owned(), why);
    if raw.len() > 2000 || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("too long, or contains whitespace"));
    }
    let url = url::Url::parse(raw).map_err(|_| bad("not an absolute URI"))?;
    if url.fragment().is_some() {
        return Err(bad("must not contain a fragment"));
    }
    let loopback = matches!(
        url.host_str(),
        Some("127.0.0.1") | Some("[::1]") | Some("localhost")
    );
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => return Err(bad("http is allowed only for loopback hosts")),
        s if s.contains('.') => {}
        _ => {
            return Err(bad(
                "scheme must be https, loopback http, or a reverse-DNS scheme",
            ))
        }
    }
    Ok(raw.to_owned())
}

/// What a client may be registered with beyond its name, type, redirect
/// URIs and scopes.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The operator's own app: no consent step.
    pub first_party: bool,
    /// RP-initiated logout's allowed destinations (same rules as
    /// redirect URIs).
    pub post_logout_redirect_uris: Vec<String>,
}

pub async fn register(
    store: &Store,
    name: &str,
    client_type: ClientType,
    redirect_uris: &[String],
    scopes: &[String],
) -> Result<Registered, RegisterError> {
    register_with(
        store,
        name,
        client_type,
        redirect_uris,
        scopes,
        Options::default(),
    )
    .await
}

pub async fn register_with(
    store: &Store,
    name: &str,
    client_type: ClientType,
    redirect_uris: &[String],
    scopes: &[String],
    options: Options,
) -> Result<Registered, RegisterError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(RegisterError::Name);
    }
    if redirect_uris.is_empty() {
        return Err(RegisterError::NoRedirectUri);
    }
    let redirect_uris = redirect_uris
        .iter()
        .map(|u| check_redirect_uri(u))
        .collect::<Result<Vec<_>, _>>()?;
    let post_logout_redirect_uris = options
        .post_logout_redirect_uris
        .iter()
        .map(|u| check_redirect_uri(u))
        .collect::<Result<Vec<_>, _>>()?;
    let scopes =
        ScopeSet::parse(&scopes.join(" ")).map_err(|e| RegisterError::Scope(e.to_string()))?;
    if scopes.is_empty() {
        return Err(RegisterError::Scope(
            "at least one scope is required".into(),
        ));
    }
    let secret = (client_type == ClientType::Confidential).then(OpaqueToken::generate);
    let client = OAuthClient {
        client_id: format!("cl_{}", hex::encode(rand::random::<[u8; 10]>())),
        name: name.to_owned(),
        client_type,
        secret_hash: secret.as_ref().map(OpaqueToken::hash),
        redirect_uris,
        scopes: scopes.to_string(),
        created_at: domain::time::now_ms(),
        first_party: options.first_party,
        post_logout_redirect_uris,
    };
    store.put_oauth_client(&client).await?;
    Ok(Registered {
        client,
        secret: secret.map(|s| s.expose().to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uri_rules() {
        for good in [
            "https://app.example.com/cb",
            "https://app.example.com/cb?x=1",
            "http://127.0.0.1:8080/cb",
            "http://localhost/cb",
            "com.example.app:/oauth",
        ] {
            assert!(check_redirect_uri(good).is_ok(), "{good}");
        }
        for bad in [
            "http://app.example.com/cb",
            "https://app.example.com/cb#frag",
            "/relative",
            "javascript:alert(1)",
            "https://app.example.com/c b",
        ] {
            assert!(check_redirect_uri(bad).is_err(), "{bad}");
        }
    }
}
