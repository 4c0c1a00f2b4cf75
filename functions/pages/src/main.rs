//! Lambda entry point of the hosted pages: state once per cold start, then
//! the router on lambda_http.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    web::logging::init_lambda();
    let sdk = table::aws::sdk_config();
    // The key service: signing in through a network opens its settings
    // (this function's role may unwrap only the `social-network` purpose).
    let keys = std::sync::Arc::new(kms::Kms::from_env(&sdk));
    let state = identity::AppState::new(&sdk, identity::Config::from_env()).with_key_service(keys);
    lambda_http::run(pages::app(state)).await
}
