//! The surface's own access patterns on the one table (docs/data-model.md,
//! "Sites API"): sites, memberships (listed per user through gsi1 / gsi2),
//! invitations (listed per site through the sparse gsi1, found by invitee
//! through gsi2) and the maintained counters behind every `total_count`.
//! Every write is one tagged transaction.

mod counts;
mod erase;
mod errors;
mod invitations;
pub mod keys;
mod members;
mod operator;
mod records;

pub use counts::count_attribute;
pub use errors::{not_a_member, site_not_found, AcceptError, InvitationWriteError, MemberError};
pub use invitations::{Accepted, NewInvitation};
pub use records::{InvitationRecord, MembershipRecord, SiteRecord, SiteSummary};

use domain::{User, UserId};
use identity::AppState;
use std::collections::HashMap;
use table::item::{from_item, key, s};
use table::{Store, StoreError};

/// The Sites API's view of the one table.
#[derive(Clone, Copy)]
pub struct SitesStore<'a> {
    table: &'a Store,
}

impl<'a> SitesStore<'a> {
    pub fn new(table: &'a Store) -> Self {
        Self { table }
    }

    pub fn of(state: &'a AppState) -> Self {
        Self::new(&state.store)
    }

    /// One page of a listing (the platform's one pager, table::page).
    pub async fn page(
        &self,
        listing: &table::Listing,
        limit: usize,
        at: Option<&table::Position>,
    ) -> Result<table::PageOut, StoreError> {
        self.table.page(listing, limit, at).await
    }

    fn name(&self) -> &str {
        self.table.table()
    }

    /// The site, its `members_count` summed with its shards' (both reads
    /// side by side).
    pub async fn site(&self, id: u64) -> Result<Option<SiteRecord>, StoreError> {
        let owner = id.to_string();
        let owners = [owner.as_str()];
        let (record, shards) = tokio::join!(
            self.table.get_record::<SiteRecord>(keys::site_key(id)),
            keys::MEMBERS.totals(self.table, &owners, keys::MEMBERS_ATTR)
        );
        let shards = shards?;
        Ok(record?.map(|mut site| {
            site.members_count = table::sharded::total(site.members_count, shards.get(&owner));
            site
        }))
    }

    pub async fn membership(
        &self,
        site: u64,
        user: &UserId,
    ) -> Result<Option<MembershipRecord>, StoreError> {
        self.table.get_record(keys::member_key(site, user)).await
    }

    pub async fn invitation(
        &self,
        site: u64,
        id: u64,
    ) -> Result<Option<InvitationRecord>, StoreError> {
        self.table.get_record(keys::invitation_key(site, id)).await
    }

    /// The live invitation of an invitee key (gsi2, eventually consistent).
    pub async fn live_invitation(
        &self,
        site: u64,
        invitee_key: &str,
    ) -> Result<Option<InvitationRecord>, StoreError> {
        let out = self
            .table
            .client()
            .query()
            .table_name(self.name())
            .index_name(table::keys::GSI2)
            .key_condition_expression("gsi2pk = :p AND gsi2sk = :s")
            .expression_attribute_values(":p", s(keys::invitation_lookup(site, invitee_key)))
            .expression_attribute_values(":s", s(keys::INVITATION_LOOKUP_SK))
            .limit(1)
            .send()
            .await?;
        out.items
            .unwrap_or_default()
            .into_iter()
            .next()
            .map(from_item)
            .transpose()
    }

    /// The users of `ids` that exist, by id (`Store::batch_get`).
    pub async fn users(&self, ids: &[UserId]) -> Result<HashMap<UserId, User>, StoreError> {
        let keys = ids
            .iter()
            .map(|id| key(table::keys::user(id), table::keys::USER_SK))
            .collect();
        let mut found = HashMap::new();
        for item in self.table.batch_get(keys).await? {
            let user: User = from_item(item)?;
            found.insert(user.id.clone(), user);
        }
        Ok(found)
    }
}
