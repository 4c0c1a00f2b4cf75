//! The key formats of the surface's items (docs/data-model.md, "Sites
//! API"). The strings are the stored data's: never change one without
//! migrating the table.

use crate::model::{SiteRole, SiteType};
use domain::UserId;
use table::item::{key, Item};
use table::keys::{counter, COUNTER_SK};

/// A site's partition: its record, its members, its invitations and the
/// sentinels of its live invitees.
pub fn site(id: u64) -> String {
    format!("SITE#{id}")
}
pub const SITE_SK: &str = "SITE";
pub const MEMBER_PREFIX: &str = "MEMBER#";
pub fn member(user: &UserId) -> String {
    format!("{MEMBER_PREFIX}{user}")
}
pub fn invitation(id: u64) -> String {
    format!("INVITATION#{id:020}")
}
/// Sentinel of a live invitation's canonical invitee key.
pub fn invitee(key: &str) -> String {
    format!("INVITEE#{key}")
}

/// GSI partitions of one user's memberships (gsi1 role-first, gsi2
/// type-first, so every filter of `sites/` is one key prefix).
pub fn user_sites(user: &UserId) -> String {
    format!("USITES#{user}")
}
pub fn by_role(role: SiteRole, kind: SiteType, site: u64) -> String {
    format!("{}#{}#{site:020}", role.as_str(), kind.as_str())
}
pub fn by_type(kind: SiteType, role: SiteRole, site: u64) -> String {
    format!("{}#{}#{site:020}", kind.as_str(), role.as_str())
}

/// GSI1 partition of a site's live invitations, in creation order.
pub fn live_invitations(site: u64) -> String {
    format!("SITEINV#{site}")
}
pub fn invitation_order(created_ms: i64, id: u64) -> String {
    format!("{created_ms:015}#{id:020}")
}
/// GSI2 partition finding a site's live invitation by invitee key.
pub fn invitation_lookup(site: u64, key: &str) -> String {
    format!("SITEINVKEY#{site}#{key}")
}
pub const INVITATION_LOOKUP_SK: &str = "INVITATION";

/// The per-user counters behind `total_count` of `sites/` (a sort key of
/// the user's partition: table::keys).
pub use table::keys::USER_SITES_SK;

pub fn site_key(id: u64) -> Item {
    key(site(id), SITE_SK)
}
pub fn member_key(site_id: u64, user: &UserId) -> Item {
    key(site(site_id), &member(user))
}
pub fn invitation_key(site_id: u64, id: u64) -> Item {
    key(site(site_id), &invitation(id))
}
pub fn invitee_key(site_id: u64, invitee_key: &str) -> Item {
    key(site(site_id), &invitee(invitee_key))
}
pub fn counts_key(user: &UserId) -> Item {
    key(table::keys::user(user), USER_SITES_SK)
}
/// A site's member count, sharded (`table::sharded`): a crowd accepting
/// invitations to one site writes these items, never the site item. The
/// site item's `members_count` is the base the shards add to.
pub const MEMBERS: table::sharded::Sharded = table::sharded::Sharded::new("SITEMEMBERS", 8);
/// The count attribute of a shard.
pub const MEMBERS_ATTR: &str = "members";

/// Hands out site ids.
pub fn site_counter_key() -> Item {
    key(counter("sites"), COUNTER_SK)
}
