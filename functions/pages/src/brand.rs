//! Branding from configuration: the product's name, its logo and the
//! accent colour of the stylesheet (`PAGES_PRODUCT_NAME`, `PAGES_LOGO_URL`,
//! `PAGES_ACCENT_COLOR`; docs/pages.md). Read once per process.

use serde::Serialize;
use std::sync::OnceLock;

#[derive(Debug, Clone, Serialize)]
pub struct Brand {
    pub name: String,
    /// A same-origin path (`/…`) or a `data:image/…` URL: the CSP allows
    /// no other image source. Anything else is ignored.
    pub logo: Option<String>,
    /// `#rrggbb`.
    pub accent: String,
}

pub const DEFAULT_ACCENT: &str = "#1d4ed8";

impl Brand {
    pub fn get() -> &'static Brand {
        static BRAND: OnceLock<Brand> = OnceLock::new();
        BRAND.get_or_init(|| {
            Brand::from_values(
                std::env::var("PAGES_PRODUCT_NAME").ok(),
                std::env::var("PAGES_LOGO_URL").ok(),
                std::env::var("PAGES_ACCENT_COLOR").ok(),
            )
        })
    }

    fn from_values(name: Option<String>, logo: Option<String>, accent: Option<String>) -> Brand {
        // One rule for the product's name, as the emails use it.
        let name = identity::product_name(name);
        let logo = logo.filter(|l| logo_allowed(l));
        let accent = accent
            .filter(|a| is_hex_colour(a))
            .unwrap_or_else(|| DEFAULT_ACCENT.to_owned());
        Brand { name, logo, accent }
    }
}

fn logo_allowed(url: &str) -> bool {
    let same_origin_path = url.starts_with('/') && !url.starts_with("//") && !url.contains('\\');
    same_origin_path || url.starts_with("data:image/")
}

fn is_hex_colour(raw: &str) -> bool {
    raw.len() == 7 && raw.starts_with('#') && raw[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_settings_fall_back_to_the_defaults() {
        let b = Brand::from_values(
            Some("  ".into()),
            Some("https://cdn.example/logo.png".into()),
            Some("red; background:url(x)".into()),
        );
        assert_eq!(b.name, identity::DEFAULT_PRODUCT_NAME);
        assert_eq!(b.logo, None);
        assert_eq!(b.accent, DEFAULT_ACCENT);
        let b = Brand::from_values(
            Some("Acme".into()),
            Some("/logo.svg".into()),
            Some("#AA3300".into()),
        );
        assert_eq!(
            (b.name.as_str(), b.logo.as_deref(), b.accent.as_str()),
            ("Acme", Some("/logo.svg"), "#AA3300")
        );
        assert!(!logo_allowed("//evil.example/x.png"));
    }
}
