//! The Sites API's part of an account deletion (`functions/lifecycle`):
//! the account leaves every site (each site's `members_count` moves as a
//! removal moves it) and the live invitations it sent are withdrawn. A
//! site whose only admin leaves keeps its members and gets no new admin:
//! an operator appoints one (`platform site set-admin`, docs/lifecycle.md).

use super::errors::MemberError;
use super::{keys, InvitationRecord, MembershipRecord, SitesStore};
use domain::{Error, User};
use table::erasure::{Scope, BATCH};
use table::item::from_item;

impl SitesStore<'_> {
    /// A batch of `user`'s memberships: `true` once none is left.
    pub async fn erase_memberships_step(&self, user: &User) -> Result<bool, Error> {
        let scope = Scope::index(table::keys::GSI1, "gsi1pk", keys::user_sites(&user.id));
        let found = self.table.first_items(&scope, BATCH).await?;
        if found.is_empty() {
            return Ok(true);
        }
        for item in found {
            let member: MembershipRecord = from_item(item)?;
            self.withdraw_invitations_of(member.site_id, user.seq)
                .await?;
            match self.remove_member(&member).await {
                // Gone or changed meanwhile (a stale index copy): the next
                // batch reads it again.
                Ok(()) | Err(MemberError::Changed) | Err(MemberError::NotMember) => {}
                Err(MemberError::SiteNotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(false)
    }

    /// The live invitations `sender` created in `site`.
    async fn withdraw_invitations_of(&self, site: u64, sender: u64) -> Result<(), Error> {
        let scope = Scope::index(table::keys::GSI1, "gsi1pk", keys::live_invitations(site));
        for item in self.table.first_items(&scope, 1000).await? {
            let inv: InvitationRecord = from_item(item)?;
            if inv.create_uid == sender {
                self.withdraw_invitation(&inv).await?;
            }
        }
        Ok(())
    }
}
