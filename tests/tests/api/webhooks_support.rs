//! Helpers of the webhooks tests: API calls with a key, a receiver that
//! records (and checks) what it is sent, and waiting for it.

use http::{HeaderMap, Method, StatusCode};
use identity::api_key::{self, Permission};
use platform_tests::{Reply, TestEnv};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use webhooks::signing::Secret;

/// Every function's routes: the tests sign up, sign in and register endpoints.
pub async fn env() -> TestEnv {
    TestEnv::new(dev_server::app).await
}

pub async fn key(env: &TestEnv, permissions: Vec<Permission>) -> String {
    let (key, _) = api_key::create(&env.state.store, "webhooks", permissions)
        .await
        .unwrap();
    key.expose().to_owned()
}

pub async fn writer(env: &TestEnv) -> String {
    key(env, vec![Permission::Read, Permission::Write]).await
}

pub async fn api(
    env: &TestEnv,
    method: Method,
    uri: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> Reply {
    let headers: Vec<(&str, &str)> = key.map(|k| ("x-api-key", k)).into_iter().collect();
    crate::users_support::call(env, method, uri, body, &headers).await
}

/// Registers an endpoint for `events`: its id and secret.
pub async fn register(env: &TestEnv, key: &str, url: &str, events: &[&str]) -> (String, Secret) {
    let body = serde_json::json!({ "url": url, "events": events, "description": "test" });
    let r = api(env, Method::POST, "/api/webhooks", Some(key), Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let secret = Secret::parse(r.body["secret"].as_str().unwrap()).expect("a whsec_ secret");
    (r.body["webhook"]["id"].as_str().unwrap().to_owned(), secret)
}

/// One request a receiver got.
#[derive(Debug, Clone)]
pub struct Seen {
    pub id: String,
    pub timestamp: i64,
    pub signatures: Vec<String>,
    pub body: String,
    pub answered: u16,
}

impl Seen {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }

    /// Whether one of its signatures is `secret`'s.
    pub fn signed_by(&self, secret: &Secret) -> bool {
        let expected = secret.sign(&self.id, self.timestamp, &self.body);
        self.signatures.contains(&expected)
    }
}

/// A loopback receiver answering 503 to the first `fail` attempts of each
/// webhook-id (all of them while `failing` is set), then 204.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    pub failing: Arc<std::sync::atomic::AtomicBool>,
}

impl Receiver {
    pub async fn start(fail: usize) -> Self {
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let failing = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (s, f) = (seen.clone(), failing.clone());
        let handler = move |headers: HeaderMap, body: String| {
            let (seen, failing) = (s.clone(), f.clone());
            async move {
                let header = |n: &str| {
                    headers
                        .get(n)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_owned()
                };
                let mut seen = seen.lock().unwrap();
                let id = header("webhook-id");
                let before = seen.iter().filter(|x| x.id == id).count();
                let fails = before < fail || failing.load(std::sync::atomic::Ordering::SeqCst);
                let answered = if fails { 503 } else { 204 };
                seen.push(Seen {
                    id,
                    timestamp: header("webhook-timestamp").parse().unwrap_or(0),
                    signatures: header("webhook-signature")
                        .split(' ')
                        .map(str::to_owned)
                        .collect(),
                    body,
                    answered,
                });
                StatusCode::from_u16(answered).unwrap()
            }
        };
        let app = axum::Router::new().route("/hook", axum::routing::post(handler));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, seen, failing }
    }

    pub fn all(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// The accepted deliveries.
    pub fn delivered(&self) -> Vec<Seen> {
        self.all()
            .into_iter()
            .filter(|s| s.answered == 204)
            .collect()
    }

    /// Waits (at most `secs`) until `done` holds for what was seen.
    pub async fn wait(&self, secs: u64, done: impl Fn(&[Seen]) -> bool) -> Vec<Seen> {
        let deadline = std::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let all = self.all();
            if done(&all) || std::time::Instant::now() > deadline {
                return all;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
