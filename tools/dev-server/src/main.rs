use std::net::SocketAddr;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    web::logging::init_dev();
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000);
    let sdk = table::aws::sdk_config();
    // One process serves every function, so it holds the key service the
    // OAuth server and the Social Networks API hold in the cloud.
    let keys = std::sync::Arc::new(kms::Kms::from_env(&sdk));
    let state = identity::AppState::new(&sdk, identity::Config::from_env()).with_key_service(keys);
    spawn_notifier(&state).await;
    // Deletions and exports, as the stream trigger runs them in the cloud.
    tokio::spawn(lifecycle::local::run(state.clone()));
    spawn_webhooks(&state);
    if let Err(e) = dev_server::docs::ensure_client(&state.store, port).await {
        tracing::warn!(error = %e, "no OAuth client for /docs: its Authorize will not work");
    }
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(
        "serving every function on http://{addr} (table {}, AWS endpoint {})",
        state.config.table_name,
        std::env::var("AWS_ENDPOINT_URL").unwrap_or_else(|_| "default".into())
    );
    axum::serve(listener, dev_server::app(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

/// The notifier on the table's stream, as Lambda's event-source mapping
/// runs it in the cloud: the emulator stores the stream but runs no
/// trigger. A message goes out about `notifier::local::POLL_INTERVAL` after
/// the request that queued it.
async fn spawn_notifier(state: &identity::AppState) {
    let sdk = table::aws::sdk_config();
    let ses = notifier::ses::Ses::new(
        aws_sdk_sesv2::Client::new(&sdk),
        state.config.email_from.as_str(),
    )
    .with_configuration_set(state.config.ses_configuration_set.as_deref());
    let notifier = notifier::Notifier::new(
        state.store.clone(),
        ses,
        notifier::compose::Settings::from_config(&state.config),
    );
    let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
    let streams = aws_sdk_dynamodbstreams::Client::new(&sdk);
    let table = state.store.table().to_owned();
    tokio::spawn(async move {
        if let Err(e) = notifier::local::run(&notifier, &dynamodb, &streams, &table).await {
            tracing::error!(error = e, "the notifier stopped: no more emails");
        }
    });
}

/// The webhooks on the table's stream and their retry sweep (every
/// `webhooks::local::SWEEP_EVERY`), as the function's two triggers run
/// it in the cloud. `WEBHOOK_ALLOW_LOCAL` (scripts/env.sh) lets endpoints
/// be plain HTTP on loopback.
fn spawn_webhooks(state: &identity::AppState) {
    let sdk = table::aws::sdk_config();
    let keys = std::sync::Arc::new(kms::Kms::from_env(&sdk));
    let settings = webhooks::settings::Settings::from_env();
    let worker = webhooks::worker::Worker::new(state.store.clone(), keys, settings);
    let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
    let streams = aws_sdk_dynamodbstreams::Client::new(&sdk);
    let table = state.store.table().to_owned();
    tokio::spawn(async move {
        if let Err(e) = webhooks::local::run(&worker, &dynamodb, &streams, &table).await {
            tracing::error!(error = e, "the webhooks stopped: no more deliveries");
        }
    });
}
