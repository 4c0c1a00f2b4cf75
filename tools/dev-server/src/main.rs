use std::net::SocketAddr;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    web::logging::init_dev();
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000);
    let state = identity::AppState::from_env().await;
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
