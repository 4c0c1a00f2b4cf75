//! Lambda entry point of the passkeys function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    web::logging::init_lambda();
    let state = identity::AppState::from_env().await;
    lambda_http::run(passkeys::app(state)).await
}
