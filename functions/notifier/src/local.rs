//! The local stack's stand-in for Lambda's event-source mapping: the
//! emulator stores the table's stream but runs no trigger, so this polls
//! the stream (DescribeStream, GetShardIterator, GetRecords), builds the
//! same event Lambda would deliver (outbox inserts only, as the template's
//! filter does), and hands it to the same handler. Records the handler
//! reports are delivered again after a pause, a bounded number of times,
//! like the mapping's retries; then they are dropped with an error line
//! (the cloud's dead-letter queue), and the periodic sweep picks them up.

use crate::ses::Sender;
use crate::Notifier;
use aws_lambda_events::event::dynamodb::Event;
use aws_sdk_dynamodbstreams::types::{Record, ShardIteratorType};
use aws_sdk_dynamodbstreams::Client as Streams;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Duration;

/// How often an idle shard is polled: a message waits about this long.
pub const POLL_INTERVAL: Duration = Duration::from_millis(50);
/// Deliveries of a record before it is dropped (the template's mapping
/// allows as many retries).
pub const MAX_ATTEMPTS: u32 = 4;

/// How often the local notifier sweeps the table for pending items the
/// stream did not bring, and how old they must be.
pub const SWEEP_EVERY: Duration = Duration::from_secs(30);
pub const SWEEP_AGE: Duration = Duration::from_secs(10);

/// Polls `table`'s stream for ever, delivering to `notifier`. It does not
/// stop on a failure: a stream trimmed past its iterators (the emulator
/// keeps 1,000 records) or an emulator restart makes it look the stream up
/// again and sweep the table for what it missed.
pub async fn run<S: Sender>(
    notifier: &Notifier<S>,
    dynamodb: &aws_sdk_dynamodb::Client,
    streams: &Streams,
    table: &str,
) -> Result<(), String> {
    let mut retries: Vec<(Record, u32)> = Vec::new();
    let mut reader = StreamReader::default();
    let mut swept = std::time::Instant::now();
    sweep(notifier, Duration::ZERO).await;
    loop {
        match reader.poll(dynamodb, streams, table).await {
            Ok(fresh) => {
                let batch: Vec<(Record, u32)> = retries
                    .drain(..)
                    .chain(fresh.into_iter().map(|r| (r, 0)))
                    .collect();
                if !batch.is_empty() {
                    retries = deliver(notifier, batch, table).await;
                }
                if swept.elapsed() >= SWEEP_EVERY {
                    sweep(notifier, SWEEP_AGE).await;
                    swept = std::time::Instant::now();
                }
            }
            Err(e) => {
                tracing::warn!(
                    error = e,
                    "stream lost: reading it again and sweeping the table"
                );
                reader = StreamReader::default();
                tokio::time::sleep(POLL_INTERVAL * 10).await;
                sweep(notifier, Duration::ZERO).await;
                swept = std::time::Instant::now();
            }
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}

async fn sweep<S: Sender>(notifier: &Notifier<S>, age: Duration) {
    match notifier.sweep(age).await {
        Ok(0) => {}
        Ok(sent) => tracing::info!(sent, "sweep delivered what the stream missed"),
        Err(e) => tracing::warn!(error = e, "sweep failed; the next one tries again"),
    }
}

/// Where the poll stands: the stream, its shards and an iterator per shard.
/// Also the webhooks' local poller's reader (`webhooks::local`).
#[derive(Default)]
pub struct StreamReader {
    arn: Option<String>,
    shards: Vec<String>,
    iterators: HashMap<String, String>,
    round: u64,
}

impl StreamReader {
    /// The records added since the last poll, over every shard.
    pub async fn poll(
        &mut self,
        dynamodb: &aws_sdk_dynamodb::Client,
        streams: &Streams,
        table: &str,
    ) -> Result<Vec<Record>, String> {
        let arn = match &self.arn {
            Some(arn) => arn.clone(),
            None => {
                let arn = stream_of(dynamodb, table).await?;
                self.arn = Some(arn.clone());
                arn
            }
        };
        // Shards rarely change: look them up now and then, not every poll.
        if self.round.is_multiple_of(SHARD_REFRESH) {
            self.shards = shard_ids(streams, &arn).await?;
        }
        self.round += 1;
        let mut fresh = Vec::new();
        for shard in &self.shards {
            let iterator = match self.iterators.get(shard) {
                Some(it) => it.clone(),
                None => first_iterator(streams, &arn, shard).await?,
            };
            let out = streams
                .get_records()
                .shard_iterator(&iterator)
                .send()
                .await
                .map_err(|e| aws_sdk_dynamodbstreams::error::DisplayErrorContext(e).to_string())?;
            fresh.extend(out.records.unwrap_or_default());
            if let Some(next) = out.next_shard_iterator {
                self.iterators.insert(shard.clone(), next);
            }
        }
        Ok(fresh)
    }
}

/// Polls between two looks at the stream's shards.
const SHARD_REFRESH: u64 = 100;

async fn shard_ids(streams: &Streams, arn: &str) -> Result<Vec<String>, String> {
    Ok(streams
        .describe_stream()
        .stream_arn(arn)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .stream_description
        .and_then(|d| d.shards)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|s| s.shard_id)
        .collect())
}

async fn stream_of(dynamodb: &aws_sdk_dynamodb::Client, table: &str) -> Result<String, String> {
    dynamodb
        .describe_table()
        .table_name(table)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .table
        .and_then(|t| t.latest_stream_arn)
        .ok_or_else(|| format!("table {table} has no stream"))
}

async fn first_iterator(streams: &Streams, arn: &str, shard: &str) -> Result<String, String> {
    streams
        .get_shard_iterator()
        .stream_arn(arn)
        .shard_id(shard)
        .shard_iterator_type(ShardIteratorType::TrimHorizon)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .shard_iterator
        .ok_or_else(|| "no shard iterator".to_owned())
}

/// One invocation; returns the records to deliver again.
async fn deliver<S: Sender>(
    notifier: &Notifier<S>,
    batch: Vec<(Record, u32)>,
    table: &str,
) -> Vec<(Record, u32)> {
    let outbox: Vec<(Record, u32)> = batch
        .into_iter()
        .filter(|(r, _)| is_outbox_insert(r))
        .collect();
    if outbox.is_empty() {
        return Vec::new();
    }
    let event = lambda_event(outbox.iter().map(|(r, _)| r), table);
    let response = notifier.handle(event).await;
    let failed: Vec<String> = response
        .batch_item_failures
        .iter()
        .filter_map(|f| f.item_identifier.clone())
        .collect();
    outbox
        .into_iter()
        .filter(|(r, _)| sequence(r).is_some_and(|s| failed.contains(&s)))
        .filter_map(|(r, attempts)| {
            if attempts + 1 < MAX_ATTEMPTS {
                Some((r, attempts + 1))
            } else {
                tracing::error!(sequence = ?sequence(&r), "outbox record dropped after retries");
                None
            }
        })
        .collect()
}

fn sequence(record: &Record) -> Option<String> {
    record.dynamodb.as_ref()?.sequence_number.clone()
}

/// The template's filter: inserts of `sk = OUTBOX`.
fn is_outbox_insert(record: &Record) -> bool {
    let is_insert = record
        .event_name
        .as_ref()
        .is_some_and(|n| n.as_str() == "INSERT");
    let sk = record
        .dynamodb
        .as_ref()
        .and_then(|d| d.keys.as_ref())
        .and_then(|k| k.get("sk"))
        .and_then(|v| v.as_s().ok());
    is_insert && sk.is_some_and(|s| s == table::keys::OUTBOX_SK)
}

/// The records as Lambda's DynamoDB event JSON, parsed into its type.
pub fn lambda_event<'a>(records: impl Iterator<Item = &'a Record>, table: &str) -> Event {
    let records: Vec<Value> = records.map(|r| record_json(r, table)).collect();
    serde_json::from_value(json!({ "Records": records })).expect("the event shape is Lambda's")
}

fn record_json(record: &Record, table: &str) -> Value {
    let change = record
        .dynamodb
        .clone()
        .unwrap_or_else(|| aws_sdk_dynamodbstreams::types::StreamRecord::builder().build());
    let image = |m: Option<HashMap<String, aws_sdk_dynamodbstreams::types::AttributeValue>>| {
        m.map(|m| serde_json::to_value(serde_dynamo::Item::from(m)).unwrap_or(Value::Null))
            .unwrap_or(Value::Null)
    };
    json!({
        "eventID": record.event_id.clone().unwrap_or_default(),
        "eventName": record.event_name.as_ref().map(|n| n.as_str().to_owned()).unwrap_or_default(),
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": record.aws_region.clone().unwrap_or_else(|| "us-east-1".into()),
        "eventSourceARN": format!("arn:aws:dynamodb:local:000000000000:table/{table}/stream/local"),
        "dynamodb": {
            "Keys": image(change.keys),
            "NewImage": image(change.new_image),
            "OldImage": image(change.old_image),
            "SequenceNumber": change.sequence_number,
            "SizeBytes": change.size_bytes.unwrap_or(0),
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        }
    })
}
