//! The local stack's stand-in for the webhooks function's two triggers:
//! the emulator runs none, so this reads the table's stream with the
//! notifier's reader (`notifier::local::StreamReader`), hands the records
//! that can be events to the same handler as Lambda's (in the same event
//! shape), and runs the sweep of due retries every `SWEEP_EVERY`.

use crate::worker::Worker;
use aws_sdk_dynamodbstreams::types::Record;
use aws_sdk_dynamodbstreams::Client as Streams;
use notifier::local::{lambda_event, StreamReader, MAX_ATTEMPTS, POLL_INTERVAL};
use std::time::{Duration, Instant};

/// How often due retries are attempted (the cloud's schedule: a minute).
pub const SWEEP_EVERY: Duration = Duration::from_millis(500);

/// Polls `table`'s stream and sweeps for ever. A lost stream is read again.
pub async fn run(
    worker: &Worker,
    dynamodb: &aws_sdk_dynamodb::Client,
    streams: &Streams,
    table: &str,
) -> Result<(), String> {
    let mut reader = StreamReader::default();
    let mut retries: Vec<(Record, u32)> = Vec::new();
    let mut swept = Instant::now();
    loop {
        match reader.poll(dynamodb, streams, table).await {
            Ok(fresh) => {
                let batch: Vec<(Record, u32)> = retries
                    .drain(..)
                    .chain(fresh.into_iter().filter(could_be_event).map(|r| (r, 0)))
                    .collect();
                if !batch.is_empty() {
                    retries = deliver(worker, batch, table).await;
                }
            }
            Err(e) => {
                tracing::warn!(error = e, "webhooks: stream lost, reading it again");
                reader = StreamReader::default();
                tokio::time::sleep(POLL_INTERVAL * 10).await;
            }
        }
        if swept.elapsed() >= SWEEP_EVERY {
            if let Err(e) = worker.sweep().await {
                tracing::warn!(
                    error = e,
                    "webhooks: sweep failed; the next one tries again"
                );
            }
            swept = Instant::now();
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}

/// One invocation; returns the records to hand over again.
async fn deliver(worker: &Worker, batch: Vec<(Record, u32)>, table: &str) -> Vec<(Record, u32)> {
    let event = lambda_event(batch.iter().map(|(r, _)| r), table);
    let failed: Vec<String> = worker
        .handle(event)
        .await
        .batch_item_failures
        .into_iter()
        .filter_map(|f| f.item_identifier)
        .collect();
    batch
        .into_iter()
        .filter(|(r, _)| sequence(r).is_some_and(|s| failed.contains(&s)))
        .filter(|(_, attempts)| attempts + 1 < MAX_ATTEMPTS)
        .map(|(r, attempts)| (r, attempts + 1))
        .collect()
}

fn sequence(record: &Record) -> Option<String> {
    record.dynamodb.as_ref()?.sequence_number.clone()
}

/// The template's filter: the user item, tokens, site invitations.
fn could_be_event(record: &Record) -> bool {
    let key = |k: &str| {
        record
            .dynamodb
            .as_ref()
            .and_then(|d| d.keys.as_ref())
            .and_then(|keys| keys.get(k))
            .and_then(|v| v.as_s().ok())
            .cloned()
            .unwrap_or_default()
    };
    let sk = key("sk");
    sk == table::keys::USER_SK || sk == table::keys::TOKEN_SK || sk.starts_with("INVITATION#")
}
