//! `fields`: a comma-separated list of item field names; only those come
//! back. Without it every field comes back except `permissions`, which
//! comes back only when asked for. An unknown name is a 400.

use domain::Error;
use serde_json::{Map, Value};

pub const SITE: &[&str] = &[
    "id",
    "title",
    "type",
    "url",
    "logo_url",
    "is_admin",
    "target_resource_uri",
    "permissions",
];
pub const SITE_INFO: &[&str] = &[
    "id",
    "title",
    "type",
    "url",
    "logo_url",
    "is_admin",
    "target_resource_uri",
    "create_time",
    "members_count",
    "owner_uid",
    "permissions",
];
pub const MEMBER: &[&str] = &[
    "id",
    "username",
    "first_name",
    "last_name",
    "role",
    "joined_time",
];
pub const INVITATION: &[&str] = &[
    "id",
    "label",
    "identifier",
    "link",
    "type",
    "status",
    "create_uid",
    "create_time",
    "used_uid",
    "used_time",
];

/// Fields only sent when named.
const ON_REQUEST: &[&str] = &["permissions"];

#[derive(Debug, Clone, Default)]
pub struct Fields {
    named: Option<Vec<&'static str>>,
    raw: String,
}

impl Fields {
    pub fn parse(raw: Option<&str>, known: &[&'static str]) -> Result<Self, Error> {
        let raw = raw.unwrap_or_default();
        let mut named = Vec::new();
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let field = known.iter().find(|k| **k == part).ok_or_else(|| {
                let shown: String = part.chars().take(40).collect();
                Error::invalid(
                    "fields",
                    format!("unknown field `{shown}`; known: {}", known.join(", ")),
                )
            })?;
            if !named.contains(field) {
                named.push(*field);
            }
        }
        Ok(Self {
            named: (!named.is_empty()).then_some(named),
            raw: raw.to_owned(),
        })
    }

    /// Whether the caller wants `field`.
    pub fn wants(&self, field: &str) -> bool {
        match &self.named {
            Some(named) => named.contains(&field),
            None => !ON_REQUEST.contains(&field),
        }
    }

    /// `item` with only the wanted fields.
    pub fn select(&self, item: Map<String, Value>) -> Value {
        Value::Object(item.into_iter().filter(|(k, _)| self.wants(k)).collect())
    }

    /// The request's value, for the page URLs.
    pub fn as_param(&self) -> &str {
        if self.named.is_some() {
            &self.raw
        } else {
            ""
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selects_named_fields_and_permissions_on_request() {
        let item = json!({"id": 1, "title": "t", "permissions": {}});
        let Value::Object(item) = item else { panic!() };
        let all = Fields::parse(None, SITE).unwrap();
        assert_eq!(all.select(item.clone()), json!({"id": 1, "title": "t"}));
        let some = Fields::parse(Some("id, permissions"), SITE).unwrap();
        assert_eq!(some.select(item), json!({"id": 1, "permissions": {}}));
        let e = Fields::parse(Some("id,nope"), SITE).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("fields"));
    }
}
