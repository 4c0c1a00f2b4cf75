//! A hung dependency: DynamoDB accepts the connection and never answers.
//! The SDK's attempt and operation timeouts (table::aws) turn that into
//! the surface's 503 with `Retry-After`, never a request held until the
//! function's own timeout (API Gateway's 502).

use axum::body::Body;
use http::{Request, StatusCode};
use identity::{AppState, Config};
use tower::ServiceExt;

/// A TCP server that accepts and then says nothing, for as long as the test runs.
async fn silent_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_hung_table_answers_503_with_retry_after() {
    let endpoint = silent_server().await;
    let vars = [
        ("AWS_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_ENDPOINT_URL", endpoint.as_str()),
        ("AWS_ATTEMPT_TIMEOUT_MS", "200"),
        ("AWS_OPERATION_TIMEOUT_MS", "700"),
    ];
    let sdk = table::aws::sdk_config_with(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    })
    .unwrap();
    let state = AppState::new(&sdk, Config::from_env());
    let login = || {
        Request::post("/user/login")
            .header("content-type", "application/json")
            .body(Body::from(
                r#"{"username":"someone","password":"$uper&ecurePassw0rd","userAgent":"test"}"#,
            ))
            .unwrap()
    };
    let jwks = || {
        Request::get("/.well-known/jwks.json")
            .body(Body::empty())
            .unwrap()
    };
    for (app, req) in [
        (users::app(state.clone()), login()),
        (oauth::app(state.clone()), jwks()),
    ] {
        let uri = req.uri().to_string();
        let res = app.oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE, "{uri}");
        assert!(res.headers().contains_key("retry-after"), "{uri}");
    }
}
