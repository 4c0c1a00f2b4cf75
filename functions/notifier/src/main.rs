//! Lambda entry point of the notifier: clients and templates once per cold
//! start, then per invocation a stream batch (`Notifier::handle`), SES's
//! bounce and complaint events (`feedback::record`) or the scheduled sweep
//! of pending items (`Notifier::sweep`).

use aws_lambda_events::event::dynamodb::Event;
use lambda_runtime::{service_fn, LambdaEvent};
use notifier::compose::Settings;
use notifier::ses::Ses;
use notifier::{feedback, Notifier};
use serde_json::Value;
use std::time::Duration;

/// Items the scheduled sweep takes: pending this long, so it does not race
/// the stream's own delivery of what was just queued.
const SWEEP_AGE: Duration = Duration::from_secs(120);

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    web::logging::init_lambda();
    let sdk = table::aws::sdk_config();
    let config = identity::Config::from_env();
    let store = table::Store::connect(&sdk, config.table_name.as_str());
    let ses = Ses::new(aws_sdk_sesv2::Client::new(&sdk), config.email_from.as_str())
        .with_configuration_set(config.ses_configuration_set.as_deref());
    let notifier = Notifier::new(store, ses, Settings::from_config(&config));
    let notifier = &notifier;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let payload = event.payload;
        if payload.get("Records").is_some() {
            let batch: Event = serde_json::from_value(payload)?;
            return Ok::<_, lambda_runtime::Error>(serde_json::to_value(
                notifier.handle(batch).await,
            )?);
        }
        // SES's events (template.yaml: NotifierFunction, EmailEvents).
        if feedback::is_ses_event(&payload) {
            let suppressed = feedback::record(notifier.store(), &payload).await?;
            return Ok(serde_json::json!({ "suppressed": suppressed }));
        }
        // The EventBridge schedule (template.yaml: NotifierFunction, Sweep).
        let sent = notifier.sweep(SWEEP_AGE).await?;
        Ok(serde_json::json!({ "swept": sent }))
    }))
    .await
}
