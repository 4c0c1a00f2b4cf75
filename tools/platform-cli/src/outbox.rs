//! `platform outbox …`: the email outbox's pending items, and re-driving
//! them by hand with the scheduled sweeper's own code (`Notifier::sweep`):
//! what a trimmed stream, a dead-lettered batch or a notifier outage left
//! pending (docs/deploy.md, "Email that did not leave").

use crate::output::{Outcome, Records};
use clap::Subcommand;
use identity::Config;
use notifier::ses::Ses;
use notifier::{Notifier, Retry};
use serde_json::{json, Value};
use std::time::Duration;
use table::{OutboxItem, Store};

/// By default only items pending this long: younger ones are the stream's
/// to deliver (the scheduled sweep waits as long).
const DEFAULT_AGE_SECS: u64 = 120;

#[derive(Subcommand)]
pub enum OutboxCommand {
    /// The outbox items still pending (oldest first per index shard): id,
    /// kind, recipient, queued_at, age_secs.
    List {
        /// Only items queued at least this many seconds ago (0: all).
        #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_AGE_SECS)]
        older_than: u64,
        /// At most this many items per index shard (16 shards).
        #[arg(long, default_value_t = 25)]
        limit: i32,
    },
    /// Deliver the items still pending, as the scheduled sweep does: one
    /// line per item tried (sent, skipped, failed for good, or to retry)
    /// and a summary line. Safe to rerun and to run beside the notifier:
    /// each item is marked under a condition, so none is sent twice.
    Redrive {
        /// Only items queued at least this many seconds ago (0: all).
        #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_AGE_SECS)]
        older_than: u64,
    },
}

pub async fn run(
    store: &Store,
    ses: aws_sdk_sesv2::Client,
    config: &Config,
    command: OutboxCommand,
) -> Outcome {
    match command {
        OutboxCommand::List { older_than, limit } => list(store, older_than, limit).await,
        OutboxCommand::Redrive { older_than } => {
            let ses = Ses::new(ses, config.email_from.clone())
                .with_configuration_set(config.ses_configuration_set.as_deref());
            let settings = notifier::compose::Settings::from_config(config);
            let notifier = Notifier::new(store.clone(), ses, settings);
            redrive(&notifier, older_than).await
        }
    }
}

async fn list(store: &Store, older_than: u64, limit: i32) -> Outcome {
    let before = cutoff(older_than);
    let items = store
        .pending_outbox(before, limit.max(1))
        .await
        .map_err(|e| e.to_string())?;
    Ok(items.iter().map(|i| describe(i, None)).collect())
}

/// Re-drives with the sweeper's code; works with any sender (tests).
pub async fn redrive<S: notifier::ses::Sender>(notifier: &Notifier<S>, older_than: u64) -> Outcome {
    let mut records: Records = Vec::new();
    let age = Duration::from_secs(older_than);
    let sent = notifier
        .sweep_reporting(age, |item, outcome| {
            let result = match outcome {
                Ok(notifier::Outcome::Sent) => json!("sent"),
                Ok(notifier::Outcome::Skipped(why)) => json!(format!("skipped: {why}")),
                Ok(notifier::Outcome::Failed(why)) => json!(format!("failed: {why}")),
                Err(Retry(why)) => json!(format!("retry later: {why}")),
            };
            records.push(describe(item, Some(result)));
        })
        .await?;
    let retry = records
        .iter()
        .filter(|r| r["result"].as_str().is_some_and(|s| s.starts_with("retry")))
        .count();
    records.push(json!({ "redriven": records.len(), "sent": sent, "to_retry": retry }));
    Ok(records)
}

fn cutoff(older_than: u64) -> i64 {
    let age_ms = i64::try_from(older_than.saturating_mul(1000)).unwrap_or(i64::MAX);
    domain::time::now_ms().saturating_sub(age_ms)
}

/// One item as a record (never its template data: it may hold a code).
fn describe(item: &OutboxItem, result: Option<Value>) -> Value {
    let age = (domain::time::now() - item.created_at).num_seconds();
    let mut record = json!({
        "id": item.id,
        "kind": item.message.kind,
        "to": item.message.to,
        "queued_at": item.created_at.to_rfc3339(),
        "age_secs": age,
    });
    if let Some(result) = result {
        record["result"] = result;
    }
    record
}
