//! Tokens travel in Accounts API paths; no log line may carry one.

use platform_tests::{unique_name, TestEnv};
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn request_logs_name_the_route_template_never_the_token() {
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let env = TestEnv::new(accounts::app).await;
    let name = unique_name("log");
    let created = env
        .post(
            "/api/v1/accounts/",
            json!({"username": name, "password": "s3cret-pass", "firstName": "A",
                                         "lastName": "B", "email": format!("{name}@x.org")}),
        )
        .await;
    let token = created.body["result"]["token"].as_str().unwrap().to_owned();
    for path in ["", "/getPreferences", "/exists?username=x", "/listAccounts"] {
        env.get(&format!("/api/v1/accounts/{token}{path}")).await;
    }
    // An unknown token, too (error paths log as well).
    env.get("/api/v1/accounts/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .await;

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("/api/v1/accounts/{token}/getPreferences"),
        "request lines are logged: {logs}"
    );
    assert!(
        logs.contains("\"request_id\""),
        "every line of a request carries its span's id: {logs}"
    );
    assert!(!logs.contains(&token), "a token reached the logs");
    assert!(!logs.contains("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
}
