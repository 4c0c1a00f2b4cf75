//! The audit log: one item per security event of a user
//! (`AUDIT#<user id>` / `<inverted ms, 15 digits>#<16 hex random>`), so a
//! forward Query lists the newest first. Each lives `retention_days()`
//! by the TTL attribute `expires_at`. A change made by a transaction puts
//! its event in the same transaction ([`Store::audit_put`]); a change made
//! by a single call writes it beside that call ([`record`]), where a failed
//! audit write is logged and never fails the change.

use super::cursor::{InvalidCursor, Listing};
use super::item::{from_item, key, to_item};
use super::{keys, Page, Store, StoreError, TxError};
use aws_sdk_dynamodb::types::{Put, Update};
use domain::audit::{Actor, Event, Kind};
use domain::{time, UserId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Days an event is kept when `AUDIT_RETENTION_DAYS` does not say.
pub const DEFAULT_RETENTION_DAYS: i64 = 90;
/// The longest retention `AUDIT_RETENTION_DAYS` may ask for (ten years).
const MAX_RETENTION_DAYS: i64 = 3650;
/// Sort keys count down from this, so the newest event sorts first.
const INVERT_MS: i64 = 999_999_999_999_999;

/// Days an event is kept: `AUDIT_RETENTION_DAYS` (1 to 3650), else 90.
pub fn retention_days() -> i64 {
    static DAYS: OnceLock<i64> = OnceLock::new();
    *DAYS.get_or_init(|| {
        std::env::var("AUDIT_RETENTION_DAYS")
            .ok()
            .and_then(|v| v.trim().parse::<i64>().ok())
            .filter(|d| (1..=MAX_RETENTION_DAYS).contains(d))
            .unwrap_or(DEFAULT_RETENTION_DAYS)
    })
}

/// One stored security event.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditRecord {
    pub user_id: UserId,
    pub kind: Kind,
    /// Milliseconds.
    pub at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    pub actor: Actor,
    #[serde(default)]
    pub detail: BTreeMap<String, String>,
    /// Seconds: the TTL attribute.
    pub expires_at: i64,
}

impl AuditRecord {
    fn of(user: &UserId, event: &Event, now_ms: i64) -> Self {
        Self {
            user_id: user.clone(),
            kind: event.kind,
            at: now_ms,
            ip: event.ip.clone(),
            user_agent: event.user_agent.clone(),
            actor: event.actor.clone(),
            detail: event.detail.clone(),
            expires_at: now_ms / 1000 + retention_days() * 86_400,
        }
    }
}

fn sort_key(now_ms: i64) -> String {
    let random = hex::encode(rand::random::<[u8; 8]>());
    format!("{:015}#{random}", INVERT_MS - now_ms)
}

fn listing(user: &UserId) -> Listing {
    Listing {
        name: "security-events",
        index: None,
        partition: ("pk", keys::audit(user)),
        sort: ("sk", String::new()),
    }
}

impl Store {
    /// The write of `event` for a transaction of the change it records.
    /// The key ends in 64 random bits: the put needs no condition.
    pub fn audit_put(&self, user: &UserId, event: &Event) -> Result<Put, StoreError> {
        self.audit_put_at(user, event, time::now_ms())
    }

    /// The writes of several events of one change, in the order they
    /// happened: each a millisecond after the one before, so the log
    /// lists them in that order.
    pub fn audit_puts(&self, user: &UserId, events: &[Event]) -> Result<Vec<Put>, StoreError> {
        let now = time::now_ms();
        (0..)
            .zip(events)
            .map(|(i, e)| self.audit_put_at(user, e, now + i))
            .collect()
    }

    fn audit_put_at(&self, user: &UserId, event: &Event, now: i64) -> Result<Put, StoreError> {
        let mut item = to_item(&AuditRecord::of(user, event, now))?;
        item.extend(key(keys::audit(user), &sort_key(now)));
        Ok(Put::builder()
            .table_name(self.table())
            .set_item(Some(item))
            .build()?)
    }

    /// Writes `event` on its own (one `PutItem`).
    pub async fn record_audit(&self, user: &UserId, event: &Event) -> Result<(), StoreError> {
        self.put_alone(self.audit_put(user, event)?).await
    }

    /// Applies `update` (on `user`'s item) and records `event` in one
    /// transaction: both or neither. `false` when the update's condition
    /// failed (nothing is recorded then).
    pub async fn update_recording(
        &self,
        update: Update,
        user: &UserId,
        event: &Event,
    ) -> Result<bool, StoreError> {
        #[derive(Debug, Clone, Copy, PartialEq)]
        enum Recording {
            Condition,
        }
        let tx = self.transaction();
        let tx = match update.condition_expression() {
            Some(_) => tx.update_if(Recording::Condition, update),
            None => tx.update(update),
        };
        match tx.put(self.audit_put(user, event)?).commit().await {
            Ok(()) => Ok(true),
            Err(TxError::Failed(_)) => Ok(false),
            Err(TxError::Store(e)) => Err(e),
        }
    }

    /// The user's security events, newest first, one page.
    pub async fn security_events(
        &self,
        user: &UserId,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<Result<Page<AuditRecord>, InvalidCursor>, StoreError> {
        let listing = listing(user);
        let at = match cursor.map(|c| listing.open(c)).transpose() {
            Ok(Some(p)) if p.backward => return Ok(Err(InvalidCursor)),
            Ok(at) => at,
            Err(e) => return Ok(Err(e)),
        };
        let page = self.page(&listing, limit, at.as_ref()).await?;
        let items = page
            .items
            .into_iter()
            .map(from_item)
            .collect::<Result<_, _>>()?;
        let next = page.next.map(|p| listing.seal(&p));
        Ok(Ok(Page { items, next }))
    }
}

/// Writes `event` of `user` beside a change made by a single call: a
/// failure is logged, never returned (the change itself stands).
pub async fn record(store: &Store, user: &UserId, event: &Event) {
    if let Err(e) = store.record_audit(user, event).await {
        tracing::error!(error = %e, kind = event.kind.as_str(), "audit write failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_events_sort_first() {
        assert!(sort_key(2_000) < sort_key(1_000));
        assert_eq!(sort_key(1).len(), 15 + 1 + 16);
    }

    #[test]
    fn retention_is_bounded() {
        assert!((1..=MAX_RETENTION_DAYS).contains(&retention_days()));
    }
}
