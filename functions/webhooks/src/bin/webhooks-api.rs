//! Lambda entry point of the webhooks management API: state once per cold
//! start (with the key service: creating and rotating seal a secret), then
//! the router on lambda_http.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    web::logging::init_lambda();
    let sdk = table::aws::sdk_config();
    let keys = std::sync::Arc::new(kms::Kms::from_env(&sdk));
    let state = identity::AppState::new(&sdk, identity::Config::from_env()).with_key_service(keys);
    lambda_http::run(webhooks::app(state)).await
}
