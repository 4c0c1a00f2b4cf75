//! Sites and memberships: created and changed by the operator CLI (the API
//! has no "create site"), and a membership by an accepted invitation. Each
//! change moves the site's `members_count` and the user's counters in the
//! same transaction.

use super::errors::MemberError;
use super::records::{MembershipRecord, SiteRecord, SiteSummary};
use super::{counts, keys, SitesStore};
use crate::model::SiteRole;
use aws_sdk_dynamodb::types::{ConditionCheck, Delete, ReturnValue, Update};
use domain::User;
use table::item::{n, put_new, s, to_item};
use table::{StoreError, TxError};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tag {
    Site,
    Member,
}

/// The membership `user` gets on `site`.
pub fn membership(site: &SiteRecord, user: &User, role: SiteRole) -> MembershipRecord {
    MembershipRecord {
        site_id: site.id,
        user_id: user.id.clone(),
        user_seq: user.seq,
        role,
        joined_at: domain::time::now(),
        site: SiteSummary::from(site),
    }
}

/// `delta` members on a random shard of the site's count (never the site
/// item: concurrent joins of one site must not conflict on it).
pub(super) fn members_count(table: &str, site: u64, delta: i64) -> Result<Update, StoreError> {
    keys::MEMBERS.add(table, &site.to_string(), keys::MEMBERS_ATTR, delta)
}

/// The site stands (operator changes check it; an accepted invitation's
/// own item stands only while its site does).
pub(super) fn site_stands(table: &str, site: u64) -> Result<ConditionCheck, StoreError> {
    Ok(ConditionCheck::builder()
        .table_name(table)
        .set_key(Some(keys::site_key(site)))
        .condition_expression("attribute_exists(pk)")
        .build()?)
}

fn member_error(e: TxError<Tag>) -> MemberError {
    match e {
        e if e.failed(Tag::Site) => MemberError::SiteNotFound,
        e if e.failed(Tag::Member) => MemberError::Changed,
        e => MemberError::Store(e.into_store_error()),
    }
}

impl SitesStore<'_> {
    /// Hands out the next site id (atomic counter; gaps are fine).
    pub async fn next_site_id(&self) -> Result<u64, StoreError> {
        let out = self
            .table
            .client()
            .update_item()
            .table_name(self.name())
            .set_key(Some(keys::site_counter_key()))
            .update_expression("ADD #v :one")
            .expression_attribute_names("#v", "value")
            .expression_attribute_values(":one", n(1))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await?;
        out.attributes
            .and_then(|a| a.get("value")?.as_n().ok()?.parse().ok())
            .ok_or_else(|| StoreError::Corrupt("sites counter".into()))
    }

    /// A new site with `admin` as its first member (and admin).
    pub async fn create_site(&self, site: &SiteRecord, admin: &User) -> Result<(), MemberError> {
        let table = self.name();
        let mut item = to_item(site)?;
        item.extend(keys::site_key(site.id));
        let member = membership(site, admin, SiteRole::Admin);
        self.table
            .transaction()
            .put_if(Tag::Site, put_new(table, item)?)
            .put_if(Tag::Member, put_new(table, member.item()?)?)
            .update(counts::update(
                table,
                &admin.id,
                site.site_type,
                SiteRole::Admin,
                1,
                None,
            )?)
            .commit()
            .await
            .map_err(|e| match e {
                e if e.failed(Tag::Site) => {
                    MemberError::Store(StoreError::Unavailable("site id taken".into()))
                }
                e => member_error(e),
            })
    }

    pub async fn add_member(
        &self,
        site: &SiteRecord,
        user: &User,
        role: SiteRole,
    ) -> Result<MembershipRecord, MemberError> {
        let table = self.name();
        let member = membership(site, user, role);
        self.table
            .transaction()
            .put_if(Tag::Member, put_new(table, member.item()?)?)
            .check(Tag::Site, site_stands(table, site.id)?)
            .update(members_count(table, site.id, 1)?)
            .update(counts::update(
                table,
                &user.id,
                site.site_type,
                role,
                1,
                None,
            )?)
            .commit()
            .await
            .map_err(|e| match e {
                e if e.failed(Tag::Member) => MemberError::AlreadyMember,
                e => member_error(e),
            })?;
        Ok(member)
    }

    pub async fn remove_member(&self, member: &MembershipRecord) -> Result<(), MemberError> {
        let table = self.name();
        let delete = Delete::builder()
            .table_name(table)
            .set_key(Some(keys::member_key(member.site_id, &member.user_id)))
            .condition_expression("#role = :role")
            .expression_attribute_names("#role", "role")
            .expression_attribute_values(":role", s(member.role.as_str()))
            .build()
            .map_err(StoreError::from)?;
        let kind = member.site.site_type;
        self.table
            .transaction()
            .delete_if(Tag::Member, delete)
            .update(members_count(table, member.site_id, -1)?)
            .update(counts::update(
                table,
                &member.user_id,
                kind,
                member.role,
                -1,
                None,
            )?)
            .commit()
            .await
            .map_err(member_error)
    }

    /// Makes a member an admin or a plain member again.
    pub async fn set_role(
        &self,
        member: &MembershipRecord,
        role: SiteRole,
    ) -> Result<(), MemberError> {
        if member.role == role {
            return Ok(());
        }
        let table = self.name();
        let kind = member.site.site_type;
        let update = Update::builder()
            .table_name(table)
            .set_key(Some(keys::member_key(member.site_id, &member.user_id)))
            .update_expression("SET #role = :new, gsi1sk = :g1, gsi2sk = :g2")
            .condition_expression("#role = :old")
            .expression_attribute_names("#role", "role")
            .expression_attribute_values(":new", s(role.as_str()))
            .expression_attribute_values(":old", s(member.role.as_str()))
            .expression_attribute_values(":g1", s(keys::by_role(role, kind, member.site_id)))
            .expression_attribute_values(":g2", s(keys::by_type(kind, role, member.site_id)))
            .build()
            .map_err(StoreError::from)?;
        self.table
            .transaction()
            .update_if(Tag::Member, update)
            .update(counts::update(
                table,
                &member.user_id,
                kind,
                role,
                0,
                Some(member.role),
            )?)
            .commit()
            .await
            .map_err(member_error)
    }
}
