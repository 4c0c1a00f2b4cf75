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
    #[error("the logo must be a PNG, JPEG, WebP or SVG file of at most 32 KiB")]
    Logo,
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
    /// The consent page's logo: the image file's name and bytes.
    pub logo: Option<(String, Vec<u8>)>,
}

/// Largest logo a client may have (it travels inside the consent page).
pub const MAX_LOGO_BYTES: usize = 32 * 1024;

/// An image file as the `data:` URL the consent page shows, by its name's
/// extension; anything else is refused.
pub fn logo_data_url(file_name: &str, bytes: &[u8]) -> Result<String, RegisterError> {
    use base64::Engine;
    let lower = file_name.to_ascii_lowercase();
    let kind = match lower.rsplit_once('.').map(|(_, ext)| ext) {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("svg") => "image/svg+xml",
        _ => return Err(RegisterError::Logo),
    };
    if bytes.is_empty() || bytes.len() > MAX_LOGO_BYTES {
        return Err(RegisterError::Logo);
    }
    let data = base64::engine::general_purpose::STANDARD.encode(bytes);
    Ok(format!("data:{kind};base64,{data}"))
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
    let logo = match &options.logo {
        Some((name, bytes)) => Some(logo_data_url(name, bytes)?),
        None => None,
    };
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
        logo,
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
    fn a_logo_is_an_image_file_of_bounded_size() {
        let url = logo_data_url("brand.SVG", b"<svg/>").unwrap();
        assert_eq!(url, "data:image/svg+xml;base64,PHN2Zy8+");
        assert!(logo_data_url("brand.png", &[0; MAX_LOGO_BYTES + 1]).is_err());
        assert!(logo_data_url("brand.png", &[]).is_err());
        assert!(logo_data_url("brand.html", b"<script>").is_err());
        assert!(logo_data_url("brand", b"x").is_err());
    }

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
