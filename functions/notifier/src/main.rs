//! Lambda entry point of the notifier: clients and templates once per cold
//! start, then one call of `Notifier::handle` per stream batch.

use aws_lambda_events::event::dynamodb::Event;
use lambda_runtime::{service_fn, LambdaEvent};
use notifier::ses::Ses;
use notifier::Notifier;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    web::logging::init_lambda();
    let sdk = table::aws::sdk_config().await;
    let table = std::env::var("TABLE_NAME").unwrap_or_else(|_| "platform".into());
    let from = std::env::var("EMAIL_FROM").unwrap_or_else(|_| "no-reply@example.com".into());
    let store = table::Store::new(aws_sdk_dynamodb::Client::new(&sdk), table);
    let notifier = Notifier::new(store, Ses::new(aws_sdk_sesv2::Client::new(&sdk), from));
    let notifier = &notifier;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Event>| async move {
        Ok::<_, lambda_runtime::Error>(notifier.handle(event.payload).await)
    }))
    .await
}
