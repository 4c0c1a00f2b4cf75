//! The page's language: `ui_locales` (OpenID Connect's, space-separated,
//! in order of preference), then `Accept-Language` (by q-value), then the
//! signed-in user's language, then English. Only English and Spanish are
//! spoken; other tags are skipped.

use domain::Language;

/// The first supported tag of an OIDC `ui_locales` value.
pub fn from_ui_locales(raw: &str) -> Option<Language> {
    raw.split_whitespace().find_map(supported)
}

/// The most preferred supported language of an `Accept-Language` header.
pub fn from_accept_language(raw: &str) -> Option<Language> {
    let mut tags: Vec<(f32, usize, &str)> = raw
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut bits = part.trim().split(';');
            let tag = bits.next()?.trim();
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (q > 0.0).then_some((q, i, tag))
        })
        .collect();
    tags.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    tags.into_iter().find_map(|(_, _, tag)| supported(tag))
}

fn supported(tag: &str) -> Option<Language> {
    let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
    match primary.as_str() {
        "en" => Some(Language::En),
        "es" => Some(Language::Es),
        _ => None,
    }
}

pub fn code(lang: Language) -> &'static str {
    match lang {
        Language::En => "en",
        Language::Es => "es",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ui_locales_then_accept_language_by_q() {
        assert_eq!(from_ui_locales("fr-CA es-MX en"), Some(Language::Es));
        assert_eq!(from_ui_locales("fr de"), None);
        assert_eq!(
            from_accept_language("fr;q=0.9, en;q=0.5, es-ES;q=0.8"),
            Some(Language::Es)
        );
        assert_eq!(from_accept_language("en-GB,es;q=0.9"), Some(Language::En));
        assert_eq!(from_accept_language("es;q=0, de"), None);
    }
}
