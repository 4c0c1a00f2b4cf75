//! The surface's records as stored (one item each; keys in `keys.rs`).

use super::keys;
use crate::model::{InvitationStatus, InvitationType, SiteRole, SiteType};
use chrono::{DateTime, Utc};
use domain::UserId;
use serde::{Deserialize, Serialize};
use table::item::{key, s, to_item, Item};
use table::StoreError;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteRecord {
    pub id: u64,
    pub title: String,
    #[serde(rename = "type")]
    pub site_type: SiteType,
    pub url: String,
    #[serde(default)]
    pub logo_url: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Integer id of the admin the site was created for.
    pub owner_uid: u64,
    /// Maintained in every membership transaction.
    #[serde(default)]
    pub members_count: u64,
    /// Live (not deleted) invitations; maintained like `members_count`.
    #[serde(default)]
    pub invitations_count: u64,
}

/// The fields of a site a membership carries, so `sites/` is one Query.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteSummary {
    pub title: String,
    #[serde(rename = "type")]
    pub site_type: SiteType,
    pub url: String,
    #[serde(default)]
    pub logo_url: Option<String>,
}

impl From<&SiteRecord> for SiteSummary {
    fn from(s: &SiteRecord) -> Self {
        Self {
            title: s.title.clone(),
            site_type: s.site_type,
            url: s.url.clone(),
            logo_url: s.logo_url.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MembershipRecord {
    pub site_id: u64,
    pub user_id: UserId,
    pub user_seq: u64,
    pub role: SiteRole,
    pub joined_at: DateTime<Utc>,
    /// A copy of the site's fields (a map attribute).
    pub site: SiteSummary,
}

impl MembershipRecord {
    pub fn is_admin(&self) -> bool {
        self.role == SiteRole::Admin
    }

    /// The item: the record, its key, and both listing indexes.
    pub fn item(&self) -> Result<Item, StoreError> {
        let mut item = to_item(self)?;
        item.extend(keys::member_key(self.site_id, &self.user_id));
        let partition = keys::user_sites(&self.user_id);
        let kind = self.site.site_type;
        item.insert("gsi1pk".into(), s(partition.clone()));
        item.insert(
            "gsi1sk".into(),
            s(keys::by_role(self.role, kind, self.site_id)),
        );
        item.insert("gsi2pk".into(), s(partition));
        item.insert(
            "gsi2sk".into(),
            s(keys::by_type(kind, self.role, self.site_id)),
        );
        Ok(item)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InvitationRecord {
    pub site_id: u64,
    pub id: u64,
    pub label: String,
    pub identifier: String,
    /// Canonical invitee key (`identifier::parse`): one live invitation each.
    pub invitee_key: String,
    #[serde(rename = "type")]
    pub kind: InvitationType,
    /// Top-level, lowercase: the notifier moves it to `sent` / `invalid`.
    pub status: InvitationStatus,
    pub create_uid: u64,
    pub create_time: DateTime<Utc>,
    #[serde(default)]
    pub used_uid: Option<u64>,
    #[serde(default)]
    pub used_time: Option<DateTime<Utc>>,
    #[serde(default)]
    pub deleted_time: Option<DateTime<Utc>>,
    /// SHA-256 (hex) of the link's secret; the secret itself is never stored.
    pub link_hash: String,
}

impl InvitationRecord {
    pub fn pk(&self) -> String {
        keys::site(self.site_id)
    }

    pub fn sk(&self) -> String {
        keys::invitation(self.id)
    }

    /// The item of a new (live) invitation: listed and found by invitee.
    pub fn item(&self) -> Result<Item, StoreError> {
        let mut item = to_item(self)?;
        item.extend(key(self.pk(), &self.sk()));
        item.insert("gsi1pk".into(), s(keys::live_invitations(self.site_id)));
        item.insert(
            "gsi1sk".into(),
            s(keys::invitation_order(
                self.create_time.timestamp_millis(),
                self.id,
            )),
        );
        item.insert(
            "gsi2pk".into(),
            s(keys::invitation_lookup(self.site_id, &self.invitee_key)),
        );
        item.insert("gsi2sk".into(), s(keys::INVITATION_LOOKUP_SK));
        Ok(item)
    }
}
