//! Lambda entry point of the webhook deliverer: a stream batch
//! (`Worker::handle`) or the scheduled sweep of due retries
//! (`Worker::sweep`).

use aws_lambda_events::event::dynamodb::Event;
use lambda_runtime::{service_fn, LambdaEvent};
use serde_json::Value;
use webhooks::settings::Settings;
use webhooks::worker::{DeadLetters, Worker};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    web::logging::init_lambda();
    let sdk = table::aws::sdk_config();
    let config = identity::Config::from_env();
    let store = table::Store::connect(&sdk, config.table_name.as_str());
    let keys = std::sync::Arc::new(kms::Kms::from_env(&sdk));
    let dead_letters = std::env::var("WEBHOOK_DLQ_URL")
        .ok()
        .map(|queue_url| DeadLetters {
            client: aws_sdk_sqs::Client::new(&sdk),
            queue_url,
        });
    let worker = Worker::new(store, keys, Settings::from_env()).with_dead_letters(dead_letters);
    let worker = &worker;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        if event.payload.get("Records").is_some() {
            let batch: Event = serde_json::from_value(event.payload)?;
            return Ok::<_, lambda_runtime::Error>(serde_json::to_value(
                worker.handle(batch).await,
            )?);
        }
        // The EventBridge schedule (template.yaml: WebhooksFunction, Retries).
        let attempted = worker.sweep().await?;
        Ok(serde_json::json!({ "attempted": attempted }))
    }))
    .await
}
