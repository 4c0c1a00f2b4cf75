//! The delivering side: a stream batch becomes deliveries (one per event
//! and subscribed endpoint, written with a conditional put keyed by the
//! webhook-id, then attempted at once), and the scheduled sweep attempts
//! the ones due again. An attempt that fails waits the schedule's next
//! delay; after the last one the delivery is failed and its summary goes
//! to the dead-letter queue.

use crate::events::{events_of, Change};
use crate::send::{self, Signed};
use crate::settings::Settings;
use crate::signing::{message_id, signature_header, Secret};
use crate::store::deliveries::Settled;
use crate::store::{DeliveryRecord, EndpointRecord, Status, WebhooksStore};
use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use domain::sealed::{self, KeyWrap};
use serde_json::{json, Value};
use std::sync::Arc;
use table::Store;

/// The sealing purpose (KMS encryption context) of endpoints' secrets.
pub const PURPOSE: &str = "webhook";
/// How long an attempt holds its delivery: a crashed one is retried after.
const LEASE_MS: i64 = 30_000;
/// Deliveries a sweep takes (and attempts concurrently) per round.
const SWEEP_PAGE: i32 = 25;
/// A sweep starts no round after this long (the function's timeout is 60 s,
/// a round at most 5 s): the next scheduled one takes the rest.
const SWEEP_BUDGET: std::time::Duration = std::time::Duration::from_secs(40);

/// Where failed deliveries are reported (the cloud's SQS queue).
#[derive(Clone)]
pub struct DeadLetters {
    pub client: aws_sdk_sqs::Client,
    pub queue_url: String,
}

pub struct Worker {
    store: Store,
    keys: Arc<dyn KeyWrap>,
    settings: Settings,
    dead_letters: Option<DeadLetters>,
}

impl Worker {
    pub fn new(store: Store, keys: Arc<dyn KeyWrap>, settings: Settings) -> Self {
        Self {
            store,
            keys,
            settings,
            dead_letters: None,
        }
    }

    pub fn with_dead_letters(mut self, dlq: Option<DeadLetters>) -> Self {
        self.dead_letters = dlq;
        self
    }

    fn store(&self) -> WebhooksStore<'_> {
        WebhooksStore::new(&self.store)
    }

    /// One stream batch; records whose deliveries could not be written are
    /// handed back for Lambda to retry (their written ones are kept).
    pub async fn handle(&self, event: Event) -> DynamoDbEventResponse {
        let mut response = DynamoDbEventResponse::default();
        for record in &event.records {
            if let Err(why) = self.fan_out(record).await {
                tracing::warn!(why, "webhook record to retry");
                let mut failure = DynamoDbBatchItemFailure::default();
                failure.item_identifier = record.change.sequence_number.clone();
                response.batch_item_failures.push(failure);
            }
        }
        response
    }

    /// The deliveries of one record's events; how many were new.
    pub async fn fan_out(&self, record: &EventRecord) -> Result<usize, String> {
        let key = |k: &str| match record.change.keys.get(k) {
            Some(serde_dynamo::AttributeValue::S(v)) => v.clone(),
            _ => String::new(),
        };
        let (old, new) = (
            image(&record.change.old_image),
            image(&record.change.new_image),
        );
        let (pk, sk) = (key("pk"), key("sk"));
        let change = Change {
            name: &record.event_name,
            pk: &pk,
            sk: &sk,
            old: old.as_ref(),
            new: new.as_ref(),
        };
        let events = events_of(&change);
        if events.is_empty() {
            return Ok(0);
        }
        let endpoints = self
            .store()
            .all_endpoints()
            .await
            .map_err(|e| e.to_string())?;
        let at = record.change.approximate_creation_date_time;
        let timestamp = if at.timestamp() > 0 {
            at
        } else {
            chrono::Utc::now()
        };
        let timestamp = timestamp.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let mut fresh = Vec::new();
        for event in &events {
            let payload = json!({ "type": event.kind, "timestamp": timestamp, "data": event.data });
            for endpoint in endpoints.iter().filter(|e| e.wants(event.kind)) {
                let delivery = new_delivery(&record.event_id, event.kind, endpoint, &payload);
                let lease = domain::time::now_ms() + LEASE_MS;
                if self
                    .store()
                    .put_delivery(&delivery, lease)
                    .await
                    .map_err(|e| e.to_string())?
                {
                    fresh.push(delivery);
                }
            }
        }
        let count = fresh.len();
        futures::future::join_all(fresh.iter().map(|d| self.attempt(d))).await;
        Ok(count)
    }

    /// Attempts every delivery that is due; how many were attempted.
    pub async fn sweep(&self) -> Result<usize, String> {
        let mut attempted = 0;
        let started = std::time::Instant::now();
        loop {
            let now = domain::time::now_ms();
            let due = self
                .store()
                .due(now, SWEEP_PAGE)
                .await
                .map_err(|e| e.to_string())?;
            let mut taken = Vec::new();
            for d in due.iter() {
                if self
                    .store()
                    .claim(d, now + LEASE_MS)
                    .await
                    .map_err(|e| e.to_string())?
                {
                    taken.push(d);
                }
            }
            attempted += taken.len();
            futures::future::join_all(taken.into_iter().map(|d| self.attempt(d))).await;
            if due.len() < SWEEP_PAGE as usize || started.elapsed() > SWEEP_BUDGET {
                return Ok(attempted);
            }
        }
    }

    /// One attempt of a delivery this worker holds, and its record.
    pub async fn attempt(&self, d: &DeliveryRecord) -> Status {
        let answer = match self.store().endpoint(&d.endpoint_id).await {
            Ok(Some(endpoint)) if endpoint.enabled => self.post(&endpoint, d).await,
            Ok(Some(_)) => Err("the endpoint is disabled".to_owned()),
            Ok(None) => Err("the endpoint was deleted".to_owned()),
            Err(e) => Err(e.to_string()),
        };
        let now = domain::time::now_ms();
        let delay = self.settings.delay_before(d.attempts + 1);
        let (status, next) = match (&answer, delay) {
            (Ok(200..=299), _) => (Status::Delivered, None),
            (_, Some(delay)) => (Status::Pending, Some(now + delay.as_millis() as i64)),
            (_, None) => (Status::Failed, None),
        };
        let error = match &answer {
            Ok(code) if !(200..=299).contains(code) => Some(format!("answered {code}")),
            Ok(_) => None,
            Err(why) => Some(why.clone()),
        };
        let settled = Settled {
            status,
            next_attempt_at: next,
            last_status: answer.as_ref().ok().copied(),
            last_error: error.as_deref(),
        };
        tracing::info!(
            id = d.id,
            attempt = d.attempts + 1,
            ?status,
            error,
            "webhook attempt"
        );
        match self.store().settle(d, &settled).await {
            Ok(true) if status == Status::Failed => self.dead_letter(d, error.as_deref()).await,
            Ok(_) => {}
            Err(e) => tracing::warn!(id = d.id, error = %e, "webhook attempt not recorded"),
        }
        status
    }

    async fn post(&self, endpoint: &EndpointRecord, d: &DeliveryRecord) -> send::Answer {
        let url = self
            .settings
            .check_url(&endpoint.url)
            .map_err(|e| format!("url {e}"))?;
        let (current, previous) = self.secrets(endpoint).await?;
        let timestamp = domain::time::now_ms() / 1000;
        let signature = signature_header(&current, previous.as_ref(), &d.id, timestamp, &d.payload);
        let signed = Signed {
            id: &d.id,
            timestamp,
            signature,
        };
        send::post(&url, &d.payload, &signed, self.settings.local).await
    }

    /// The endpoint's secret, and the previous one while it is honoured.
    async fn secrets(&self, endpoint: &EndpointRecord) -> Result<(Secret, Option<Secret>), String> {
        let current = open_secret(self.keys.as_ref(), &endpoint.secret).await?;
        let previous = match (&endpoint.previous_secret, endpoint.previous_until) {
            (Some(sealed), Some(until)) if until > domain::time::now_ms() => {
                Some(open_secret(self.keys.as_ref(), sealed).await?)
            }
            _ => None,
        };
        Ok((current, previous))
    }

    async fn dead_letter(&self, d: &DeliveryRecord, error: Option<&str>) {
        let Some(dlq) = &self.dead_letters else {
            tracing::error!(id = d.id, error, "webhook delivery failed for good");
            return;
        };
        let body = json!({ "delivery_id": d.id, "endpoint_id": d.endpoint_id,
                           "type": d.event_type, "error": error });
        let sent = dlq
            .client
            .send_message()
            .queue_url(&dlq.queue_url)
            .message_body(body.to_string())
            .send()
            .await;
        if let Err(e) = sent {
            tracing::error!(id = d.id, error = %aws_sdk_sqs::error::DisplayErrorContext(e), "dead-letter queue");
        }
    }
}

pub async fn open_secret(keys: &dyn KeyWrap, sealed: &sealed::Sealed) -> Result<Secret, String> {
    let plain = sealed::open(keys, PURPOSE, sealed)
        .await
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8(plain).map_err(|_| "corrupt secret".to_owned())?;
    Secret::parse(&text).ok_or_else(|| "corrupt secret".to_owned())
}

fn image(item: &serde_dynamo::Item) -> Option<Value> {
    if item.is_empty() {
        return None;
    }
    serde_dynamo::from_item(item.clone()).ok()
}

fn new_delivery(
    record_id: &str,
    kind: &str,
    endpoint: &EndpointRecord,
    payload: &Value,
) -> DeliveryRecord {
    let now = crate::iso_now();
    DeliveryRecord {
        id: message_id(record_id, kind, &endpoint.id),
        endpoint_id: endpoint.id.clone(),
        event_type: kind.to_owned(),
        payload: payload.to_string(),
        status: Status::Pending,
        attempts: 0,
        next_attempt_at: None,
        last_status: None,
        last_error: None,
        created_at: now.clone(),
        updated_at: now,
    }
}
