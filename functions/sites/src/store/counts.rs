//! The per-user counters behind `total_count` of `sites/`: one number per
//! filter combination the API offers (all, by role, by type, by both),
//! moved in the same transaction as every membership change.

use super::{keys, SitesStore};
use crate::model::{SiteRole, SiteType};
use aws_sdk_dynamodb::types::Update;
use domain::UserId;
use table::item::n;
use table::StoreError;

/// The counter of one filter combination.
pub fn count_attribute(is_admin: Option<bool>, kind: Option<SiteType>) -> String {
    let role = is_admin.map(|a| if a { "admin" } else { "member" });
    match (role, kind) {
        (None, None) => "c_all".to_owned(),
        (Some(r), None) => format!("c_{r}"),
        (None, Some(t)) => format!("c_type_{}", t.as_str()),
        (Some(r), Some(t)) => format!("c_{r}_{}", t.as_str()),
    }
}

/// The counters one membership counts in.
fn counted_in(role: SiteRole, kind: SiteType) -> [String; 4] {
    let admin = Some(role == SiteRole::Admin);
    [
        count_attribute(None, None),
        count_attribute(admin, None),
        count_attribute(None, Some(kind)),
        count_attribute(admin, Some(kind)),
    ]
}

/// `ADD` `delta` to every counter of (role, kind); with `moved_from`, the
/// membership leaves that role's counters at the same time.
pub fn update(
    table: &str,
    user: &UserId,
    kind: SiteType,
    role: SiteRole,
    delta: i64,
    moved_from: Option<SiteRole>,
) -> Result<Update, StoreError> {
    let names: Vec<(String, i64)> = match moved_from {
        // A role change: "all" and the type's counter stay.
        Some(old) => {
            let (new, old) = (counted_in(role, kind), counted_in(old, kind));
            vec![
                (new[1].clone(), 1),
                (new[3].clone(), 1),
                (old[1].clone(), -1),
                (old[3].clone(), -1),
            ]
        }
        None => counted_in(role, kind)
            .into_iter()
            .map(|a| (a, delta))
            .collect(),
    };
    let mut builder = Update::builder()
        .table_name(table)
        .set_key(Some(keys::counts_key(user)));
    let mut parts = Vec::new();
    for (i, (name, d)) in names.iter().enumerate() {
        builder = builder
            .expression_attribute_names(format!("#c{i}"), name)
            .expression_attribute_values(format!(":d{i}"), n(d));
        parts.push(format!("#c{i} :d{i}"));
    }
    Ok(builder
        .update_expression(format!("ADD {}", parts.join(", ")))
        .build()?)
}

impl SitesStore<'_> {
    /// One counter of `user` (0 before their first membership).
    pub async fn count(&self, user: &UserId, attribute: &str) -> Result<u64, StoreError> {
        let out = self
            .table
            .client()
            .get_item()
            .table_name(self.name())
            .set_key(Some(keys::counts_key(user)))
            .projection_expression("#c")
            .expression_attribute_names("#c", attribute)
            .consistent_read(true)
            .send()
            .await?;
        Ok(out
            .item
            .and_then(|i| i.get(attribute).and_then(|v| v.as_n().ok()?.parse().ok()))
            .unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_counter_per_filter_combination() {
        assert_eq!(count_attribute(None, None), "c_all");
        assert_eq!(count_attribute(Some(true), None), "c_admin");
        assert_eq!(
            count_attribute(Some(false), Some(SiteType::Shop)),
            "c_member_shop"
        );
        assert_eq!(
            count_attribute(None, Some(SiteType::Lander)),
            "c_type_lander"
        );
        assert_eq!(
            counted_in(SiteRole::Admin, SiteType::Shop),
            ["c_all", "c_admin", "c_type_shop", "c_admin_shop"]
        );
    }
}
