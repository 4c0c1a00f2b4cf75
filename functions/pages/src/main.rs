//! Lambda entry point of the hosted pages: state once per cold start, then
//! the router on lambda_http.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    web::logging::init_lambda();
    let state = identity::AppState::from_env().await;
    lambda_http::run(pages::app(state)).await
}
