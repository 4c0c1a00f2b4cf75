//! CORS over real HTTP, as a browser app on `make dev` meets it: a
//! preflight from an allowed origin (`ALLOWED_ORIGINS`, here `make dev`'s
//! `http://localhost:*`) is answered on every surface, any other origin gets
//! no CORS header, and credentials are granted only to allowed origins.

use platform_tests::TestEnv;
use reqwest::{Method, StatusCode};

/// One path per surface, each a route a browser app calls.
const PATHS: [(&str, &str); 6] = [
    ("POST", "/user/login"),
    ("POST", "/api/v1/accounts/auth"),
    ("POST", "/oauth/token"),
    ("GET", "/api/social-networks"),
    ("GET", "/unet/sites/"),
    ("POST", "/api/action/login/"),
];

async fn serve() -> (
    TestEnv,
    String,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let env = TestEnv::new(dev_server::app).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = env.app.clone();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    (env, base, server)
}

async fn preflight(base: &str, path: &str, method: &str, origin: &str) -> reqwest::Response {
    reqwest::Client::new()
        .request(Method::OPTIONS, format!("{base}{path}"))
        .header("origin", origin)
        .header("access-control-request-method", method)
        .header(
            "access-control-request-headers",
            "content-type,authorization",
        )
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn preflights_from_allowed_origins_pass_on_every_surface() {
    let (_env, base, server) = serve().await;
    for (method, path) in PATHS {
        for origin in ["http://localhost:5173", "http://127.0.0.1:8080"] {
            let r = preflight(&base, path, method, origin).await;
            assert_eq!(
                r.status(),
                StatusCode::NO_CONTENT,
                "{method} {path} from {origin}"
            );
            let h = r.headers();
            assert_eq!(h["access-control-allow-origin"], origin);
            assert_eq!(h["access-control-allow-credentials"], "true");
            let methods = h["access-control-allow-methods"].to_str().unwrap();
            assert!(methods.contains(method), "{path}: {methods}");
            let headers = h["access-control-allow-headers"].to_str().unwrap();
            assert!(headers.contains("content-type") && headers.contains("authorization"));
        }
    }
    server.abort();
}

#[tokio::test]
async fn other_origins_get_no_cors_headers() {
    let (_env, base, server) = serve().await;
    for origin in [
        "https://evil.example",
        "http://localhost.evil.example:5173",
        "https://localhost:5173",
        "null",
    ] {
        for (method, path) in PATHS {
            let r = preflight(&base, path, method, origin).await;
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path} from {origin}");
            assert!(
                !r.headers()
                    .keys()
                    .any(|k| k.as_str().starts_with("access-control-")),
                "{path} from {origin}: {:?}",
                r.headers()
            );
        }
        let r = reqwest::Client::new()
            .get(format!("{base}/roles/list"))
            .header("origin", origin)
            .send()
            .await
            .unwrap();
        assert!(!r.headers().contains_key("access-control-allow-origin"));
        assert!(!r.headers().contains_key("access-control-allow-credentials"));
    }
    server.abort();
}

#[tokio::test]
async fn answers_carry_credentials_only_for_allowed_origins() {
    let (_env, base, server) = serve().await;
    let http = reqwest::Client::new();
    let allowed = http
        .get(format!("{base}/roles/list"))
        .header("origin", "http://localhost:5173")
        .send()
        .await
        .unwrap();
    // A 401 (no token): the app reads the surface's envelope all the same.
    assert_eq!(allowed.status(), StatusCode::UNAUTHORIZED);
    let h = allowed.headers();
    assert_eq!(h["access-control-allow-origin"], "http://localhost:5173");
    assert_eq!(h["access-control-allow-credentials"], "true");
    assert!(h["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .contains("retry-after"));
    assert_eq!(h["vary"], "origin");
    // A refused sign-in too.
    let refused = http
        .post(format!("{base}/user/login"))
        .header("origin", "http://127.0.0.1:5173")
        .json(&serde_json::json!({"username": "nobody_here", "password": "wrong-pass"}))
        .send()
        .await
        .unwrap();
    assert!(refused.status().is_client_error());
    assert_eq!(
        refused.headers()["access-control-allow-origin"],
        "http://127.0.0.1:5173"
    );
    // Without an Origin (curl, servers) nothing changes.
    let plain = http.get(format!("{base}/roles/list")).send().await.unwrap();
    assert!(!plain.headers().contains_key("access-control-allow-origin"));
    assert!(!plain.headers().contains_key("vary"));
    server.abort();
}
