//! The response shapes of the document, field for field. Every instant is
//! RFC 3339 in UTC with whole seconds (`2026-11-30T10:00:00Z`).

use crate::fields::Fields;
use crate::store::{InvitationRecord, MembershipRecord, SiteRecord};
use crate::urls::target_resource_uri;
use chrono::{DateTime, SecondsFormat, Utc};
use domain::User;
use identity::Config;
use serde_json::{json, Map, Value};

/// The surface's one timestamp format.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The caller's rights on a site.
fn permissions(member: &MembershipRecord) -> Value {
    let admin = member.is_admin();
    json!({ "manage_invitations": admin, "manage_members": admin, "edit": admin })
}

/// A site as `sites/` lists it, from the caller's membership.
pub fn site_item(config: &Config, member: &MembershipRecord, fields: &Fields) -> Value {
    let site = &member.site;
    fields.select(object(json!({
        "id": member.site_id,
        "title": site.title,
        "type": site.site_type,
        "url": site.url,
        "logo_url": site.logo_url.clone().unwrap_or_default(),
        "is_admin": member.is_admin(),
        "target_resource_uri": target_resource_uri(config, member.site_id),
        "permissions": permissions(member),
    })))
}

/// `info/`: the full site.
pub fn site_info(
    config: &Config,
    site: &SiteRecord,
    member: &MembershipRecord,
    fields: &Fields,
) -> Value {
    fields.select(object(json!({
        "id": site.id,
        "title": site.title,
        "type": site.site_type,
        "url": site.url,
        "logo_url": site.logo_url.clone().unwrap_or_default(),
        "is_admin": member.is_admin(),
        "target_resource_uri": target_resource_uri(config, site.id),
        "create_time": timestamp(site.created_at),
        "members_count": site.members_count,
        "owner_uid": site.owner_uid,
        "permissions": permissions(member),
    })))
}

/// A member, with the user's current names (`user` is `None` only if the
/// account vanished: the membership's own data then).
pub fn member_item(member: &MembershipRecord, user: Option<&User>, fields: &Fields) -> Value {
    fields.select(object(json!({
        "id": member.user_seq,
        "username": user.map(|u| u.username.as_str()).unwrap_or_default(),
        "first_name": user.and_then(|u| u.first_name.clone()),
        "last_name": user.and_then(|u| u.last_name.clone()),
        "role": member.role.as_str(),
        "joined_time": timestamp(member.joined_at),
    })))
}

/// An invitation. `link` is the accept link, known only when the
/// invitation is created (its secret is stored hashed); `""` afterwards.
pub fn invitation_item(inv: &InvitationRecord, link: Option<&str>, fields: &Fields) -> Value {
    fields.select(object(json!({
        "id": inv.id,
        "label": inv.label,
        "identifier": inv.identifier,
        "link": link.unwrap_or_default(),
        "type": inv.kind,
        "status": inv.status,
        "create_uid": inv.create_uid,
        "create_time": timestamp(inv.create_time),
        "used_uid": inv.used_uid,
        "used_time": inv.used_time.map(timestamp),
    })))
}
