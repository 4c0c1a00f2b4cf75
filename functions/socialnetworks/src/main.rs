//! Lambda entry point of the Social Networks API: state once per cold start,
//! then the router on lambda_http.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    web::logging::init_lambda();
    let sdk = table::aws::sdk_config();
    // The key service: this function seals or opens secrets (its role may
    // unwrap only its own purposes).
    let keys = std::sync::Arc::new(kms::Kms::from_env(&sdk));
    let state = identity::AppState::new(&sdk, identity::Config::from_env()).with_key_service(keys);
    lambda_http::run(socialnetworks::app(state)).await
}
