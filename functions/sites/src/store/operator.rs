//! What only the operator CLI does with sites: list every site (the ids
//! the counter handed out, read in batches: a site has no listing index,
//! and the operator's list is not a request path) and delete a site with
//! everything in its partition. A delete removes each member through
//! `remove_member` (so every user's counters move as on any removal), then
//! the site's invitations, invitee sentinels and record. Not one
//! transaction (a site may have more items than one holds): a delete that
//! stops half-way leaves a site with fewer members, and running it again
//! finishes it.

use super::records::{MembershipRecord, SiteRecord};
use super::{keys, MemberError, SitesStore};
use serde_json::Value;
use table::item::{from_item, key, Item};
use table::StoreError;

impl SitesStore<'_> {
    /// Every site, by id (the ids the counter has handed out so far).
    pub async fn all_sites(&self) -> Result<Vec<SiteRecord>, StoreError> {
        let counter: Option<Item> = self
            .table
            .client()
            .get_item()
            .table_name(self.name())
            .set_key(Some(keys::site_counter_key()))
            .consistent_read(true)
            .send()
            .await?
            .item;
        let last: u64 = counter
            .and_then(|c| c.get("value")?.as_n().ok()?.parse().ok())
            .unwrap_or(0);
        let wanted = (1..=last).map(keys::site_key).collect();
        let mut sites = self
            .table
            .batch_get(wanted)
            .await?
            .into_iter()
            .map(from_item::<SiteRecord>)
            .collect::<Result<Vec<_>, _>>()?;
        let owners: Vec<String> = sites.iter().map(|s| s.id.to_string()).collect();
        let owners: Vec<&str> = owners.iter().map(String::as_str).collect();
        let shards = keys::MEMBERS
            .totals(self.table, &owners, keys::MEMBERS_ATTR)
            .await?;
        for site in &mut sites {
            let counted = shards.get(&site.id.to_string());
            site.members_count = table::sharded::total(site.members_count, counted);
        }
        sites.sort_by_key(|s| s.id);
        Ok(sites)
    }

    /// Deletes a site and everything in its partition; how many members it
    /// removed; `None`: no such site.
    pub async fn delete_site(&self, id: u64) -> Result<Option<usize>, MemberError> {
        if self.site(id).await?.is_none() {
            return Ok(None);
        }
        let items: Vec<Value> = self.table.partition_records(keys::site(id)).await?;
        let sk = |item: &Value| item["sk"].as_str().unwrap_or_default().to_owned();
        let (members, rest): (Vec<Value>, Vec<Value>) = items
            .into_iter()
            .partition(|item| sk(item).starts_with(keys::MEMBER_PREFIX));
        let removed = members.len();
        for item in members {
            let member: MembershipRecord = serde_json::from_value(item)
                .map_err(|e| StoreError::Corrupt(format!("membership: {e}")))?;
            self.remove_member(&member).await?;
        }
        self.table
            .delete_keys(keys::MEMBERS.keys(&id.to_string()))
            .await?;
        // The site record last: while it stands, the delete can be rerun.
        let (site, others): (Vec<Value>, Vec<Value>) =
            rest.into_iter().partition(|item| sk(item) == keys::SITE_SK);
        for item in others.into_iter().chain(site) {
            self.table
                .client()
                .delete_item()
                .table_name(self.name())
                .set_key(Some(key(keys::site(id), &sk(&item))))
                .send()
                .await
                .map_err(StoreError::from)?;
        }
        Ok(Some(removed))
    }
}
