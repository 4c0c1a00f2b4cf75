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

#[cfg(feature = "local")]
pub mod local;
pub mod ses;
pub mod templates;

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
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

/// A record to hand back to Lambda for a retry.
#[derive(Debug)]
pub struct Retry(pub String);

pub struct Notifier<S> {
    store: Store,
    sender: S,
    templates: Templates,
}

impl<S: Sender> Notifier<S> {
    pub fn new(store: Store, sender: S) -> Self {
        Self {
            store,
            sender,
            templates: Templates::load(),
        }
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
        let sent = match self
            .templates
            .render(message.kind, message.language, &message.data)
        {
            Ok(email) => self.sender.send(&message.to, &email).await,
            Err(e) => Err(SendError::Rejected(format!("template: {e}"))),
        };
        let failure = match sent {
            Ok(()) => None,
            Err(SendError::Rejected(why)) => Some(why),
            Err(SendError::Retry(why)) => return Err(Retry(why)),
        };
        let marked = self
            .store
            .settle_outbox_item(&item, failure.as_deref())
            .await
            .map_err(|e| Retry(e.to_string()))?;
        Ok(match (marked, failure) {
            (Marked::AlreadySettled, _) => Outcome::Skipped("settled meanwhile"),
            (Marked::Done, None) => Outcome::Sent,
            (Marked::Done, Some(why)) => Outcome::Failed(why),
        })
    }
}

fn string_value(s: &str) -> serde_dynamo::AttributeValue {
    serde_dynamo::AttributeValue::S(s.to_owned())
}
