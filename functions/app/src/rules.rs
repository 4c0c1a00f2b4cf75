//! The App Users API's own field rules: categories, networks, languages,
//! sex, birth dates, the seven notification settings and how a
//! notification's `type` maps to them. One place each.

use chrono::{Datelike, NaiveDate};
use domain::Error;

/// Categories a user may follow. Statistics name the first five (the
/// document's sample) and count the rest as `other`.
pub const CATEGORIES: &[&str] = &[
    "fashion",
    "beauty",
    "technology",
    "food",
    "travel",
    "fitness",
    "gaming",
    "music",
    "sports",
    "lifestyle",
    "health",
    "education",
    "finance",
    "art",
    "pets",
    "parenting",
];
pub const NAMED_CATEGORIES: usize = 5;

pub const NETWORKS: &[&str] = &[
    "instagram",
    "facebook",
    "tiktok",
    "youtube",
    "twitter",
    "linkedin",
    "pinterest",
    "snapchat",
    "twitch",
    "telegram",
    "vk",
];

pub const SEXES: &[&str] = &["male", "female", "other"];

/// The seven settings, in the document's order, with their names.
pub const NOTIFICATIONS: [(&str, &str); 7] = [
    ("new_campaign", "New campaign"),
    ("end_campaign", "End campaign"),
    ("near_campaign", "Near campaign"),
    ("cause_campaign", "Causes"),
    ("profile_status", "Profile status"),
    ("post_status", "Post status"),
    ("update_balance", "Update balance"),
];

/// A notification's `type` and the setting that governs its email
/// (`None`: account notices, always emailed).
pub const TYPES: &[(&str, Option<&str>)] = &[
    ("campaign", Some("new_campaign")),
    ("new_campaign", Some("new_campaign")),
    ("end_campaign", Some("end_campaign")),
    ("near_campaign", Some("near_campaign")),
    ("cause", Some("cause_campaign")),
    ("cause_campaign", Some("cause_campaign")),
    ("profile", Some("profile_status")),
    ("profile_status", Some("profile_status")),
    ("post", Some("post_status")),
    ("post_status", Some("post_status")),
    ("balance", Some("update_balance")),
    ("update_balance", Some("update_balance")),
    ("system", None),
];

/// The setting governing a type, or a validation error.
pub fn setting_of(kind: &str) -> Result<Option<&'static str>, Error> {
    TYPES
        .iter()
        .find(|(t, _)| *t == kind)
        .map(|(_, s)| *s)
        .ok_or_else(|| Error::invalid("type", "is not a known notification type"))
}

/// A set of values from `allowed` (deduplicated, in the catalogue's order).
pub fn choose(
    field: &'static str,
    given: Vec<String>,
    allowed: &[&str],
) -> Result<Vec<String>, Error> {
    let given: Vec<String> = given.into_iter().map(|g| g.trim().to_lowercase()).collect();
    if let Some(bad) = given.iter().find(|g| !allowed.contains(&g.as_str())) {
        let shown: String = bad.chars().take(32).collect();
        return Err(Error::invalid(field, format!("unknown value {shown:?}")));
    }
    Ok(allowed
        .iter()
        .filter(|a| given.iter().any(|g| g == *a))
        .map(|a| a.to_string())
        .collect())
}

/// An ISO 639-1 code, optionally with a region: `en`, `es`, `pt-BR`.
pub fn language(raw: &str) -> Result<String, Error> {
    let bad = || Error::invalid("language", "must be a language code such as en or es");
    let (lang, region) = match raw.split_once(['-', '_']) {
        Some((l, r)) => (l, Some(r)),
        None => (raw, None),
    };
    if lang.len() != 2 || !lang.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(bad());
    }
    let mut code = lang.to_ascii_lowercase();
    if let Some(r) = region {
        if r.len() != 2 || !r.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(bad());
        }
        code = format!("{code}-{}", r.to_ascii_uppercase());
    }
    Ok(code)
}

pub fn sex(raw: &str) -> Result<String, Error> {
    let s = raw.trim().to_lowercase();
    if SEXES.contains(&s.as_str()) {
        Ok(s)
    } else {
        Err(Error::invalid("sex", "must be male, female or other"))
    }
}

/// `YYYY-MM-DD`, a real date, at least 13 and at most 120 years ago.
pub fn birth_date(raw: &str, today: NaiveDate) -> Result<NaiveDate, Error> {
    let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| Error::invalid("birth_date", "must be a date YYYY-MM-DD"))?;
    let age = today.year() - date.year();
    if date > today || !(13..=120).contains(&age) {
        return Err(Error::invalid(
            "birth_date",
            "must be between 13 and 120 years ago",
        ));
    }
    Ok(date)
}

/// Phone numbers as the document's sample: `+` and 7 to 15 digits.
pub fn phone(raw: &str) -> Result<String, Error> {
    let digits = raw.strip_prefix('+').unwrap_or(raw);
    if (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(raw.to_owned())
    } else {
        Err(Error::invalid("phone", "must be + and 7 to 15 digits"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_rules() {
        assert_eq!(language("ES").unwrap(), "es");
        assert_eq!(language("pt_br").unwrap(), "pt-BR");
        assert!(language("english").is_err());
        assert_eq!(
            choose(
                "c",
                vec!["Beauty".into(), "fashion".into(), "beauty".into()],
                CATEGORIES
            )
            .unwrap(),
            vec!["fashion", "beauty"]
        );
        assert!(choose("c", vec!["nope".into()], CATEGORIES).is_err());
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        assert!(birth_date("2000-02-30", today).is_err());
        assert!(birth_date("2020-01-01", today).is_err());
        assert!(birth_date("1990-05-17", today).is_ok());
        assert_eq!(setting_of("campaign").unwrap(), Some("new_campaign"));
        assert!(setting_of("spam").is_err());
        assert!(phone("+1234567890").is_ok());
        assert!(phone("12ab").is_err());
    }
}
