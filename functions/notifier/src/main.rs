//! Lambda entry point of the notifier: clients and templates once per cold
//! start, then one call of `Notifier::handle` per stream batch.

use aws_lambda_events::event::dynamodb::Event;
use lambda_runtime::{service_fn, LambdaEvent};
use notifier::ses::Ses;
use notifier::Notifier;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    web::logging::init_lambda();
    let sdk = table::aws::sdk_config();
    let config = identity::Config::from_env();
    let store = table::Store::new(aws_sdk_dynamodb::Client::new(&sdk), config.table_name);
    let ses = Ses::new(aws_sdk_sesv2::Client::new(&sdk), config.email_from);
    let notifier = Notifier::new(store, ses);
    let notifier = &notifier;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Event>| async move {
        Ok::<_, lambda_runtime::Error>(notifier.handle(event.payload).await)
    }))
    .await
}
