//! The operations on endpoints and deliveries, shared by the HTTP API and
//! the operator CLI: input rules, sealing the secret, views. Every rule is
//! checked before anything is written.

use crate::events::EVENT_TYPES;
use crate::settings::Settings;
use crate::signing::Secret;
use crate::store::{DeliveryRecord, EndpointRecord, WebhooksStore};
use crate::worker::PURPOSE;
use domain::sealed::{self, KeyWrap};
use domain::{Error, ErrorKind};
use serde::Deserialize;
use serde_json::{json, Value};
use table::Store;

const MAX_DESCRIPTION: usize = 500;
/// After a rotation the previous secret still signs for this long.
pub const ROTATION_GRACE_MS: i64 = 24 * 3600 * 1000;

/// Create and update take the same fields (all optional on update).
#[derive(Debug, Default, Deserialize)]
pub struct EndpointRequest {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub enabled: Option<bool>,
    pub description: Option<String>,
}

pub fn not_found() -> Error {
    Error::not_found("no such webhook endpoint")
}

fn delivery_not_found() -> Error {
    Error::not_found("no such webhook delivery")
}

/// An id of ours (24 hex): anything else names nothing, unread.
pub fn is_id(raw: &str) -> bool {
    raw.len() == 24 && raw.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_delivery_id(raw: &str) -> bool {
    raw.strip_prefix("msg_")
        .is_some_and(|h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn parse_events(events: Vec<String>) -> Result<Vec<String>, Error> {
    if events.is_empty() {
        return Err(Error::invalid(
            "events",
            "must name at least one event type",
        ));
    }
    if let Some(bad) = events
        .iter()
        .find(|e| *e != "*" && !EVENT_TYPES.contains(&e.as_str()))
    {
        return Err(Error::invalid(
            "events",
            format!("`{bad}` is not an event type"),
        ));
    }
    let mut events = events;
    events.sort();
    events.dedup();
    Ok(events)
}

impl EndpointRequest {
    /// Applies the request to `current` (or a new endpoint), checking each field.
    fn apply(self, settings: &Settings, current: &mut EndpointRecord) -> Result<(), Error> {
        if let Some(url) = self.url {
            current.url = settings
                .check_url(&url)
                .map_err(|e| Error::invalid("url", e))?
                .to_string();
        }
        if let Some(events) = self.events {
            current.events = parse_events(events)?;
        }
        if let Some(description) = self.description {
            if description.chars().count() > MAX_DESCRIPTION {
                return Err(Error::invalid(
                    "description",
                    format!("must be at most {MAX_DESCRIPTION} characters"),
                ));
            }
            current.description = description;
        }
        if let Some(enabled) = self.enabled {
            current.enabled = enabled;
        }
        Ok(())
    }

    fn is_empty(&self) -> bool {
        self.url.is_none()
            && self.events.is_none()
            && self.enabled.is_none()
            && self.description.is_none()
    }

    /// A new endpoint's fields, before its secret; refusals first.
    pub fn new_endpoint(self, settings: &Settings) -> Result<EndpointRecord, Error> {
        if self.url.is_none() {
            return Err(Error::invalid("url", "is required"));
        }
        if self.events.is_none() {
            return Err(Error::invalid("events", "is required"));
        }
        let now = crate::iso_now();
        let mut record = EndpointRecord {
            id: hex::encode(rand::random::<[u8; 12]>()),
            url: String::new(),
            events: Vec::new(),
            enabled: true,
            description: String::new(),
            secret: sealed::Sealed {
                key: String::new(),
                nonce: String::new(),
                data: String::new(),
            },
            previous_secret: None,
            previous_until: None,
            created_at: now.clone(),
            updated_at: now,
        };
        self.apply(settings, &mut record)?;
        Ok(record)
    }
}

/// Seals a fresh secret into `record`; the secret is shown once.
pub async fn new_secret(keys: &dyn KeyWrap, record: &mut EndpointRecord) -> Result<Secret, Error> {
    let secret = Secret::generate();
    record.secret = sealed::seal(keys, PURPOSE, secret.expose().as_bytes()).await?;
    Ok(secret)
}

pub async fn create(
    store: &Store,
    keys: &dyn KeyWrap,
    mut record: EndpointRecord,
) -> Result<(EndpointRecord, Secret), Error> {
    let secret = new_secret(keys, &mut record).await?;
    if !WebhooksStore::new(store).create_endpoint(&record).await? {
        return Err(Error::conflict("id_taken", "try again"));
    }
    Ok((record, secret))
}

pub async fn get(store: &Store, id: &str) -> Result<EndpointRecord, Error> {
    if !is_id(id) {
        return Err(not_found());
    }
    WebhooksStore::new(store)
        .endpoint(id)
        .await?
        .ok_or_else(not_found)
}

/// Applies `req` to `record` (read by the caller, beside its key check)
/// and saves it.
pub async fn update(
    store: &Store,
    settings: &Settings,
    mut record: EndpointRecord,
    req: EndpointRequest,
) -> Result<EndpointRecord, Error> {
    if req.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "nothing_to_update",
            "send at least one of url, events, enabled, description",
        ));
    }
    req.apply(settings, &mut record)?;
    record.updated_at = crate::iso_now();
    save(store, &record).await?;
    Ok(record)
}

async fn save(store: &Store, record: &EndpointRecord) -> Result<(), Error> {
    match WebhooksStore::new(store).save_endpoint(record).await? {
        true => Ok(()),
        false => Err(not_found()),
    }
}

/// A new secret for `record` (read by the caller); the current one keeps
/// signing (second) for 24 hours.
pub async fn rotate(
    store: &Store,
    keys: &dyn KeyWrap,
    mut record: EndpointRecord,
) -> Result<(EndpointRecord, Secret), Error> {
    record.previous_secret = Some(record.secret.clone());
    record.previous_until = Some(domain::time::now_ms() + ROTATION_GRACE_MS);
    let secret = new_secret(keys, &mut record).await?;
    record.updated_at = crate::iso_now();
    save(store, &record).await?;
    Ok((record, secret))
}

pub async fn delete(store: &Store, id: &str) -> Result<(), Error> {
    match is_id(id) && WebhooksStore::new(store).delete_endpoint(id).await? {
        true => Ok(()),
        false => Err(not_found()),
    }
}

/// Puts one delivery back in line (attempted by the next sweep).
pub async fn replay(store: &Store, id: &str) -> Result<(), Error> {
    match is_delivery_id(id) && WebhooksStore::new(store).requeue(id).await? {
        true => Ok(()),
        false => Err(delivery_not_found()),
    }
}

pub fn endpoint_view(r: &EndpointRecord) -> Value {
    let rotating = r
        .previous_until
        .filter(|u| *u > domain::time::now_ms())
        .map(crate::iso_ms);
    json!({
        "id": r.id, "url": r.url, "events": r.events, "enabled": r.enabled,
        "description": r.description, "created_at": r.created_at, "updated_at": r.updated_at,
        "previous_secret_until": rotating,
    })
}

pub fn delivery_view(d: &DeliveryRecord) -> Value {
    json!({
        "id": d.id, "endpoint_id": d.endpoint_id, "type": d.event_type, "status": d.status,
        "attempts": d.attempts, "next_attempt_at": d.next_attempt_at.map(crate::iso_ms),
        "last_status": d.last_status, "last_error": d.last_error,
        "created_at": d.created_at, "updated_at": d.updated_at,
        "payload": serde_json::from_str::<Value>(&d.payload).unwrap_or(Value::Null),
    })
}
