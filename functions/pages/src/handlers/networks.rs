//! The social networks the sign-in page offers: a link to start each
//! (`/signin/network/{id}`, keeping `return_to`), with the network's icon.
//! An SVG icon is shown as an image from a `data:` URL, so markup in it
//! never runs in the page (the CSP allows `img-src data:`).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use identity::AppState;
use serde_json::{json, Value};

/// A network's name as people write it.
pub fn title(key: &str) -> String {
    let known = match key {
        "oidc" => "OpenID Connect",
        "oauth2" => "OAuth 2.0",
        "github" => "GitHub",
        "gitlab" => "GitLab",
        "linkedin" => "LinkedIn",
        "battlenet" => "Battle.net",
        "epicgames" => "Epic Games",
        "mailru" => "Mail.ru",
        "vk" => "VK",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_owned();
    }
    let mut chars = key.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn icon_src(icon: &str) -> Option<String> {
    let svg = icon.trim_start();
    svg.starts_with("<svg")
        .then(|| format!("data:image/svg+xml;base64,{}", STANDARD.encode(svg)))
}

/// The sign-in page's network links (none when the list cannot be read:
/// the password form still works).
pub async fn offered(state: &AppState, return_to: &str) -> Vec<Value> {
    let networks = match socialnetworks::signin::offered(state).await {
        Ok(networks) => networks,
        Err(e) => {
            tracing::warn!(error = %e, "networks not listed");
            return Vec::new();
        }
    };
    let back = serde_urlencoded::to_string([("return_to", return_to)]).unwrap_or_default();
    networks
        .iter()
        .map(|n| {
            json!({
                "href": format!("/signin/network/{}?{back}", n.id),
                "name": title(&n.key),
                "icon": icon_src(&n.icon),
            })
        })
        .collect()
}
