//! Invitation writes. Each is one tagged transaction that also re-checks the
//! caller's admin role (a demotion between the read and the write wins) and
//! conditions on the status read, so a concurrent change is a 409, never a
//! lost update. Accepting marks the invitation used and makes the member in
//! one transaction: of concurrent accepts exactly one commits.

use super::errors::{AcceptError, InvitationWriteError};
use super::members::{members_count, membership};
use super::records::{InvitationRecord, MembershipRecord, SiteRecord};
use super::{counts, keys, SitesStore};
use crate::model::{InvitationStatus, SiteRole};
use aws_sdk_dynamodb::types::{ConditionCheck, Delete, Update};
use chrono::SecondsFormat;
use domain::{Message, User, UserId};
use table::item::{n, put_new, s};
use table::{StoreError, TxError};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tag {
    Admin,
    Fresh,
    Invitee,
    Site,
    Status,
    Member,
}

/// A new invitation and, for email invitations, its message.
pub struct NewInvitation {
    pub record: InvitationRecord,
    pub message: Option<Message>,
}

pub struct Accepted {
    pub membership: MembershipRecord,
}

fn stamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn write_error(e: TxError<Tag>) -> InvitationWriteError {
    match e {
        e if e.failed(Tag::Admin) => InvitationWriteError::NotAdmin,
        e if e.failed(Tag::Invitee) => InvitationWriteError::Duplicate,
        e if e.failed(Tag::Site) => InvitationWriteError::SiteNotFound,
        e if e.failed(Tag::Status) => InvitationWriteError::Changed,
        e => InvitationWriteError::Store(e.into_store_error()),
    }
}

impl SitesStore<'_> {
    /// The caller is still an admin of `site`.
    fn admin_check(&self, site: u64, caller: &UserId) -> Result<ConditionCheck, StoreError> {
        Ok(ConditionCheck::builder()
            .table_name(self.name())
            .set_key(Some(keys::member_key(site, caller)))
            .condition_expression("#role = :admin")
            .expression_attribute_names("#role", "role")
            .expression_attribute_values(":admin", s(SiteRole::Admin.as_str()))
            .build()?)
    }

    fn invitations_count(&self, site: u64, delta: i64) -> Result<Update, StoreError> {
        Ok(Update::builder()
            .table_name(self.name())
            .set_key(Some(keys::site_key(site)))
            .update_expression("ADD invitations_count :d")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":d", n(delta))
            .build()?)
    }

    pub async fn add_invitation(
        &self,
        caller: &UserId,
        new: &NewInvitation,
    ) -> Result<(), InvitationWriteError> {
        let table = self.name();
        let inv = &new.record;
        let mut sentinel = keys::invitee_key(inv.site_id, &inv.invitee_key);
        sentinel.insert("invitation_id".into(), n(inv.id));
        let mut tx = self
            .table
            .transaction()
            .check(Tag::Admin, self.admin_check(inv.site_id, caller)?)
            .put_if(Tag::Fresh, put_new(table, inv.item()?)?)
            .put_if(Tag::Invitee, put_new(table, sentinel)?)
            .update_if(Tag::Site, self.invitations_count(inv.site_id, 1)?);
        if let Some(message) = &new.message {
            tx = tx.put(self.table.outbox_put(message)?);
        }
        tx.commit().await.map_err(write_error)
    }

    /// Sets `label` and / or `status` if the status is still the one read.
    pub async fn update_invitation(
        &self,
        caller: &UserId,
        inv: &InvitationRecord,
        label: Option<&str>,
        status: Option<InvitationStatus>,
    ) -> Result<(), InvitationWriteError> {
        let mut sets = Vec::new();
        let mut update = Update::builder()
            .table_name(self.name())
            .set_key(Some(keys::invitation_key(inv.site_id, inv.id)))
            .condition_expression("#status = :read")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":read", s(inv.status.as_str()));
        if let Some(label) = label {
            sets.push("label = :label");
            update = update.expression_attribute_values(":label", s(label));
        }
        if let Some(status) = status {
            sets.push("#status = :new");
            update = update.expression_attribute_values(":new", s(status.as_str()));
        }
        if sets.is_empty() {
            return Ok(());
        }
        let update = update
            .update_expression(format!("SET {}", sets.join(", ")))
            .build()
            .map_err(StoreError::from)?;
        self.table
            .transaction()
            .check(Tag::Admin, self.admin_check(inv.site_id, caller)?)
            .update_if(Tag::Status, update)
            .commit()
            .await
            .map_err(write_error)
    }

    /// Marks the invitation deleted (kept for audit), takes it out of the
    /// list and the lookups, and frees its invitee for a new invitation.
    pub async fn delete_invitation(
        &self,
        caller: &UserId,
        inv: &InvitationRecord,
    ) -> Result<(), InvitationWriteError> {
        let admin = self.admin_check(inv.site_id, caller)?;
        self.withdrawal(inv)?
            .check(Tag::Admin, admin)
            .commit()
            .await
            .map_err(write_error)
    }

    /// Withdraws `inv` for its deleted sender (no admin check: the sender
    /// is going); an invitation that moved meanwhile stays as it is.
    pub async fn withdraw_invitation(&self, inv: &InvitationRecord) -> Result<(), StoreError> {
        match self.withdrawal(inv)?.commit().await.map_err(write_error) {
            Ok(())
            | Err(InvitationWriteError::Changed)
            | Err(InvitationWriteError::SiteNotFound) => Ok(()),
            Err(InvitationWriteError::Store(e)) => Err(e),
            Err(other) => Err(StoreError::Unavailable(format!("{other:?}"))),
        }
    }

    /// The invitation marked deleted, its invitee sentinel gone, the
    /// site's count down: conditioned on the status as read.
    fn withdrawal(&self, inv: &InvitationRecord) -> Result<table::Transaction<Tag>, StoreError> {
        let table = self.name();
        let update = Update::builder()
            .table_name(table)
            .set_key(Some(keys::invitation_key(inv.site_id, inv.id)))
            .update_expression(
                "SET #status = :deleted, deleted_time = :now REMOVE gsi1pk, gsi1sk, gsi2pk, gsi2sk",
            )
            .condition_expression("#status = :read")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":read", s(inv.status.as_str()))
            .expression_attribute_values(":deleted", s(InvitationStatus::Deleted.as_str()))
            .expression_attribute_values(":now", s(stamp(domain::time::now())))
            .build()?;
        let sentinel = Delete::builder()
            .table_name(table)
            .set_key(Some(keys::invitee_key(inv.site_id, &inv.invitee_key)))
            .build()?;
        Ok(self
            .table
            .transaction()
            .update_if(Tag::Status, update)
            .delete(sentinel)
            .update_if(Tag::Site, self.invitations_count(inv.site_id, -1)?))
    }

    /// `user` accepts `inv`: used, `used_uid`, `used_time` and the new
    /// membership, all or nothing.
    pub async fn accept(
        &self,
        inv: &InvitationRecord,
        site: &SiteRecord,
        user: &User,
    ) -> Result<Accepted, AcceptError> {
        let table = self.name();
        let member = membership(site, user, SiteRole::Member);
        let [c, p, sent] = InvitationStatus::ACCEPTABLE.map(|x| s(x.as_str()));
        let update = Update::builder()
            .table_name(table)
            .set_key(Some(keys::invitation_key(inv.site_id, inv.id)))
            .update_expression("SET #status = :used, used_uid = :uid, used_time = :now")
            .condition_expression("#status IN (:c, :p, :s) AND link_hash = :h")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":used", s(InvitationStatus::Used.as_str()))
            .expression_attribute_values(":uid", n(user.seq))
            .expression_attribute_values(":now", s(stamp(member.joined_at)))
            .expression_attribute_values(":c", c)
            .expression_attribute_values(":p", p)
            .expression_attribute_values(":s", sent)
            .expression_attribute_values(":h", s(inv.link_hash.clone()))
            .build()
            .map_err(StoreError::from)?;
        let result = self
            .table
            .transaction()
            .update_if(Tag::Status, update)
            .put_if(Tag::Member, put_new(table, member.item()?)?)
            .update(members_count(table, site.id, 1)?)
            .update(counts::update(
                table,
                &user.id,
                site.site_type,
                SiteRole::Member,
                1,
                None,
            )?)
            .commit()
            .await;
        match result {
            Ok(()) => Ok(Accepted { membership: member }),
            Err(e) if e.failed(Tag::Status) => Err(AcceptError::Taken),
            Err(e) if e.failed(Tag::Member) => Err(AcceptError::AlreadyMember),
            Err(e) if e.failed(Tag::Site) => Err(AcceptError::SiteNotFound),
            Err(e) => Err(AcceptError::Store(e.into_store_error())),
        }
    }
}
