//! The notifier: the one function that sends the platform's messages. The
//! table's stream hands it outbox inserts (the event-source mapping filters
//! them); for each it renders the message's templates in the recipient's
//! language, sends it, and marks the item with a conditional write.
//!
//! - A redelivered record sends nothing: the item is read again and only a
//!   `pending` one is sent; the mark's condition settles any race. The one
//!   window for a duplicate is a crash between SES accepting and the mark.
//! - A passing failure (throttling) is reported as a batch item failure and
//!   retried by Lambda; a permanent one (a bad address, a broken template)
//!   marks the item `failed` and its owner `invalid`, and is not retried.
//! - A record that cannot be read at all is reported too: Lambda retries it
//!   a bounded number of times, then sends it to the dead-letter queue.
//! - An address on the suppression list (a permanent bounce, a complaint:
//!   `feedback`) is not sent to: the item is marked failed, and logged.
//! - Nothing stays stuck: pending items are in a sparse index, and a
//!   scheduled sweep (every 5 minutes in the cloud; at start, after a
//!   trimmed stream and every 30 s locally) delivers what the stream did not.

pub mod compose;
pub mod feedback;
#[cfg(feature = "local")]
pub mod local;
pub mod ses;
pub mod templates;

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use compose::{compose, Settings};
use domain::metrics::{self, Metric};
use ses::{SendError, Sender};
use table::{Marked, OutboxItem, OutboxStatus, Store};
use templates::Templates;

/// What became of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Not an outbox insert, or settled before (a redelivery): why.
    Skipped(&'static str),
    /// Permanently undeliverable: marked failed.
    Failed(String),
}

/// Items read per index shard in one round of a sweep.
const SWEEP_PAGE: i32 = 25;

/// A record to hand back to Lambda for a retry.
#[derive(Debug)]
pub struct Retry(pub String);

pub struct Notifier<S> {
    store: Store,
    sender: S,
    templates: Templates,
    settings: Settings,
}

impl<S: Sender> Notifier<S> {
    pub fn new(store: Store, sender: S, settings: Settings) -> Self {
        Self {
            store,
            sender,
            templates: Templates::load(),
            settings,
        }
    }

    /// The table the notifier settles items in (and keeps the suppression
    /// list in).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// One batch: every record is tried; the ones to retry are reported by
    /// sequence number (Lambda resumes from the first of them; the ones
    /// after it that were sent are skipped as settled on the retry).
    pub async fn handle(&self, event: Event) -> DynamoDbEventResponse {
        let mut response = DynamoDbEventResponse::default();
        for record in &event.records {
            match self.deliver(record).await {
                Ok(outcome) => tracing::info!(?outcome, "outbox record"),
                Err(Retry(why)) => {
                    tracing::warn!(why, "outbox record to retry");
                    let mut failure = DynamoDbBatchItemFailure::default();
                    failure.item_identifier = record.change.sequence_number.clone();
                    response.batch_item_failures.push(failure);
                }
            }
        }
        response
    }

    pub async fn deliver(&self, record: &EventRecord) -> Result<Outcome, Retry> {
        let is_outbox = record.change.keys.get("sk") == Some(&string_value(table::keys::OUTBOX_SK));
        if record.event_name != "INSERT" || !is_outbox {
            return Ok(Outcome::Skipped("not an outbox insert"));
        }
        let item: OutboxItem = serde_dynamo::from_item(record.change.new_image.clone())
            .map_err(|e| Retry(format!("unreadable outbox item: {e}")))?;
        self.deliver_item(&item).await
    }

    /// Delivers every item still pending that was queued more than `age`
    /// ago: what the stream did not bring (a trimmed stream, a batch sent
    /// to the dead-letter queue, a notifier that was down). The same
    /// conditional mark as the stream's path, so an item the stream
    /// delivers meanwhile is not sent twice. Returns how many were sent.
    pub async fn sweep(&self, age: std::time::Duration) -> Result<usize, String> {
        self.sweep_reporting(age, |_, _| {}).await
    }

    /// `sweep`, telling `report` what became of each item it tried (the
    /// operator CLI's `platform outbox redrive` prints it).
    pub async fn sweep_reporting(
        &self,
        age: std::time::Duration,
        mut report: impl FnMut(&OutboxItem, &Result<Outcome, Retry>),
    ) -> Result<usize, String> {
        let age_ms = i64::try_from(age.as_millis()).unwrap_or(i64::MAX);
        let before = domain::time::now_ms().saturating_sub(age_ms);
        let mut sent = 0;
        loop {
            let pending = self
                .store
                .pending_outbox(before, SWEEP_PAGE)
                .await
                .map_err(|e| e.to_string())?;
            if pending.is_empty() {
                return Ok(sent);
            }
            let mut progressed = false;
            for item in &pending {
                let outcome = self.deliver_item(item).await;
                report(item, &outcome);
                match outcome {
                    Ok(Outcome::Sent) => {
                        sent += 1;
                        progressed = true;
                    }
                    Ok(_) => progressed = true,
                    Err(Retry(why)) => tracing::warn!(why, id = item.id, "sweep: retry later"),
                }
            }
            if !progressed {
                return Ok(sent);
            }
        }
    }

    /// Sends one pending item and marks it.
    pub async fn deliver_item(&self, item: &OutboxItem) -> Result<Outcome, Retry> {
        // The stream's image says pending even on a redelivery: read again.
        let current = self
            .store
            .get_outbox_item(&item.id)
            .await
            .map_err(|e| Retry(e.to_string()))?;
        match current {
            None => return Ok(Outcome::Skipped("the item is gone")),
            Some(c) if c.status != OutboxStatus::Pending => {
                return Ok(Outcome::Skipped("settled already"))
            }
            Some(_) => {}
        }
        let message = &item.message;
        let sent = match compose(&self.store, &self.templates, &self.settings, message).await {
            Ok(email) => self.sender.send(&message.to, &email).await,
            Err(e) => Err(e),
        };
        let failure = match sent {
            Ok(()) => None,
            Err(SendError::Rejected(why)) => Some(why),
            Err(SendError::Retry(why)) => return Err(Retry(why)),
        };
        let marked = self
            .store
            .settle_outbox_item(item, failure.as_deref())
            .await
            .map_err(|e| Retry(e.to_string()))?;
        Ok(match (marked, failure) {
            (Marked::AlreadySettled, _) => Outcome::Skipped("settled meanwhile"),
            (Marked::Done, None) => {
                metrics::count(Metric::Email, "sent");
                Outcome::Sent
            }
            (Marked::Done, Some(why)) => {
                metrics::count(Metric::Email, "failed");
                Outcome::Failed(why)
            }
        })
    }
}

fn string_value(s: &str) -> serde_dynamo::AttributeValue {
    serde_dynamo::AttributeValue::S(s.to_owned())
}
