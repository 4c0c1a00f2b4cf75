//! The user's app settings as the handlers name them; how each is stored
//! (its attributes on the user item) is this file's business alone.

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::NaiveDate;
use table::item::{n, s};

/// One setting to write.
#[derive(Debug, Clone)]
pub enum Setting {
    FirstName(String),
    LastName(String),
    /// E.164; the App's phone has no separate country code (cleared).
    Phone(String),
    Country(u64),
    /// `None` clears the city (a new country without one).
    City(Option<u64>),
    Sex(String),
    BirthDate(NaiveDate),
    Timezone(String),
    Language(String),
    Categories(Vec<String>),
    Networks(Vec<String>),
}

fn strings(values: &[String]) -> AttributeValue {
    AttributeValue::L(values.iter().map(|v| s(v.clone())).collect())
}

impl Setting {
    /// The attributes the setting writes.
    pub(super) fn attributes(&self) -> Vec<(&'static str, AttributeValue)> {
        match self {
            Setting::FirstName(v) => vec![("first_name", s(v.clone()))],
            Setting::LastName(v) => vec![("last_name", s(v.clone()))],
            Setting::Phone(v) => vec![
                ("phone", s(v.clone())),
                ("phone_country_code", AttributeValue::Null(true)),
            ],
            Setting::Country(id) => vec![("country_id", n(id))],
            Setting::City(Some(id)) => vec![("city_id", n(id))],
            Setting::City(None) => vec![("city_id", AttributeValue::Null(true))],
            Setting::Sex(v) => vec![("sex", s(v.clone()))],
            Setting::BirthDate(d) => vec![("birth_date", s(d.format("%Y-%m-%d").to_string()))],
            Setting::Timezone(v) => vec![("timezone", s(v.clone()))],
            Setting::Language(v) => vec![("language", s(v.clone()))],
            Setting::Categories(v) => vec![("categories", strings(v))],
            Setting::Networks(v) => vec![("networks", strings(v))],
        }
    }
}

/// Every attribute of `settings`, in order.
pub(super) fn attributes_of(settings: &[Setting]) -> Vec<(&'static str, AttributeValue)> {
    settings.iter().flat_map(Setting::attributes).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_clears_the_country_code_and_no_city_is_null() {
        let attrs = attributes_of(&[Setting::Phone("+34600000000".into()), Setting::City(None)]);
        let names: Vec<&str> = attrs.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["phone", "phone_country_code", "city_id"]);
        assert_eq!(attrs[2].1, AttributeValue::Null(true));
    }
}
