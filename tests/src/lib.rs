//! Test harness: every test gets a fresh table of its own in the emulator
//! (moto's server at `AWS_ENDPOINT_URL`), so tests run in parallel, rerun
//! against a long-lived emulator, and can assert that nothing was written
//! by counting the table's items.
//!
//! Email is event-driven, as in the cloud: each `TestEnv` runs the
//! notifier on its table's stream (`notifier::local`), and `emails_to` and
//! `snapshot` first wait (bounded) until no outbox item is pending, so a
//! test reads the mail its request queued and compares settled tables.

use axum::body::Body;
use axum::Router;
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use identity::{AppState, Config};
use serde_json::Value;
use table::schema;
use tower::ServiceExt;

pub struct TestEnv {
    pub state: AppState,
    pub app: Router,
    pub endpoint: String,
    /// The notifier polling this table's stream (aborted on drop).
    notifier: Option<tokio::task::JoinHandle<()>>,
    /// The webhooks' poller and sweep, when a test starts them.
    webhooks: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for TestEnv {
    fn drop(&mut self) {
        for task in [self.notifier.take(), self.webhooks.take()]
            .into_iter()
            .flatten()
        {
            task.abort();
        }
    }
}

/// How long a test waits for queued mail before reading anyway.
const SETTLE_DEADLINE: std::time::Duration = std::time::Duration::from_secs(30);

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The `field` of an error envelope, in any of the surfaces' shapes.
    pub fn error_field(&self) -> Option<&str> {
        self.body["error"]["field"]
            .as_str()
            .or_else(|| self.body["field"].as_str())
    }
}

fn emulator() -> String {
    std::env::var("AWS_ENDPOINT_URL").expect(
        "AWS_ENDPOINT_URL must point at the emulator: run the tests with `make test`, \
         or start `make emulator` and export AWS_ENDPOINT_URL=http://127.0.0.1:5000",
    )
}

impl TestEnv {
    /// A fresh table and a state pointing at it; `app` builds the router
    /// under test from that state.
    pub async fn new(app: fn(AppState) -> Router) -> Self {
        Self::new_with(app, |_| {}).await
    }

    /// As `new`, with a config `edit` makes (the router and the notifier
    /// both see it).
    pub async fn new_with(app: fn(AppState) -> Router, edit: impl FnOnce(&mut Config)) -> Self {
        let mut env = Self::without_notifier(app).await;
        let mut config = (*env.state.config).clone();
        edit(&mut config);
        env.state.config = std::sync::Arc::new(config);
        env.app = app(env.state.clone());
        env.notifier = Some(env.start_notifier().await);
        env
    }

    /// The notifier on this table's stream, sending through the emulator's
    /// SES: the same handler and the same event as the Lambda gets.
    async fn start_notifier(&self) -> tokio::task::JoinHandle<()> {
        let sdk = table::aws::sdk_config();
        let ses = notifier::ses::Ses::new(
            aws_sdk_sesv2::Client::new(&sdk),
            self.state.config.email_from.as_str(),
        )
        .with_configuration_set(self.state.config.ses_configuration_set.as_deref());
        let notifier = notifier::Notifier::new(
            self.state.store.clone(),
            ses,
            notifier::compose::Settings::from_config(&self.state.config),
        );
        let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
        let streams = aws_sdk_dynamodbstreams::Client::new(&sdk);
        let table = self.state.store.table().to_owned();
        tokio::spawn(async move {
            if let Err(e) = notifier::local::run(&notifier, &dynamodb, &streams, &table).await {
                eprintln!("notifier on {table} stopped: {e}");
            }
        })
    }

    /// A webhooks worker on this table, retrying on `schedule` (seconds
    /// before each attempt), delivering to loopback receivers.
    pub fn webhook_worker(&self, schedule: &[u64]) -> webhooks::worker::Worker {
        let sdk = table::aws::sdk_config();
        let keys = std::sync::Arc::new(kms::Kms::new(&sdk, kms::DEFAULT_ALIAS));
        let settings = webhooks::settings::Settings {
            schedule: schedule
                .iter()
                .map(|s| std::time::Duration::from_secs(*s))
                .collect(),
            local: true,
        };
        webhooks::worker::Worker::new(self.state.store.clone(), keys, settings)
    }

    /// Runs the webhooks on this table's stream, with the sweep of due
    /// retries (opt-in: most tests have no endpoint to deliver to).
    pub fn start_webhooks(&mut self, schedule: &[u64]) {
        let worker = self.webhook_worker(schedule);
        let sdk = table::aws::sdk_config();
        let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
        let streams = aws_sdk_dynamodbstreams::Client::new(&sdk);
        let table = self.state.store.table().to_owned();
        self.webhooks = Some(tokio::spawn(async move {
            if let Err(e) = webhooks::local::run(&worker, &dynamodb, &streams, &table).await {
                eprintln!("webhooks on {table} stopped: {e}");
            }
        }));
    }

    /// A fresh table with no notifier on its stream: for the tests that
    /// drive the notifier's handler themselves.
    pub async fn without_notifier(app: fn(AppState) -> Router) -> Self {
        let endpoint = emulator();
        for (k, v) in [
            ("AWS_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            // The browser origins `make dev` allows (web::cors).
            ("ALLOWED_ORIGINS", "http://localhost:*,http://127.0.0.1:*"),
            // Webhook endpoints on loopback (the tests' receivers), as `make dev`.
            ("WEBHOOK_ALLOW_LOCAL", "true"),
        ] {
            if std::env::var(k).is_err() {
                // Tests run on threads of one process; the values are the same for all.
                unsafe { std::env::set_var(k, v) };
            }
        }
        let sdk = table::aws::sdk_config();
        let table = format!("test-{}", hex_id());
        let config = Config {
            table_name: table.clone(),
            email_from: "no-reply@platform.test".into(),
            ..Config::from_env()
        };
        schema::ensure_table(&aws_sdk_dynamodb::Client::new(&sdk), &table)
            .await
            .expect("create the test table");
        notifier::ses::ensure_identity(&aws_sdk_sesv2::Client::new(&sdk), &config.email_from)
            .await
            .expect("create the sender identity");
        users::pictures::ensure_bucket(&sdk, &config)
            .await
            .expect("create the profile picture bucket");
        // The emulator's KMS seals secrets (signing keys, networks' secrets)
        // as the cloud's does; one key serves every test's table.
        let keys = kms::Kms::new(&sdk, kms::DEFAULT_ALIAS);
        keys.ensure_key().await.expect("create the secrets key");
        let keys = std::sync::Arc::new(keys);
        let state = AppState::new(&sdk, config).with_key_service(keys.clone());
        // Every table gets the JWT signing key the local stack's bootstrap makes.
        identity::keyring::ensure_active_key(&state.store, keys.as_ref())
            .await
            .expect("create a signing key");
        Self {
            app: app(state.clone()),
            state,
            endpoint,
            notifier: None,
            webhooks: None,
        }
    }

    pub async fn call(&self, method: Method, uri: &str, body: Option<Value>) -> Reply {
        let mut req = Request::builder().method(method).uri(uri);
        let body = match body {
            Some(v) => {
                req = req.header("content-type", "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.send(req.body(body).unwrap()).await
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let res = self
            .app
            .clone()
            .oneshot(req)
            .await
            .expect("router is infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.call(Method::GET, uri, None).await
    }

    pub async fn post(&self, uri: &str, body: Value) -> Reply {
        self.call(Method::POST, uri, Some(body)).await
    }

    pub async fn put(&self, uri: &str, body: Value) -> Reply {
        self.call(Method::PUT, uri, Some(body)).await
    }

    /// Writes `item` as it is, unconditionally: data the platform would not
    /// write itself now (an older version's layout, a stream image).
    pub async fn put_raw(
        &self,
        item: std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>,
    ) {
        let store = &self.state.store;
        store
            .client()
            .put_item()
            .table_name(store.table())
            .set_item(Some(item))
            .send()
            .await
            .expect("put");
    }

    /// Every item of the test's table (a Scan: tests only, never a request path).
    pub async fn items(
        &self,
    ) -> Vec<std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .state
                .store
                .client()
                .scan()
                .table_name(self.state.store.table())
                .set_exclusive_start_key(start)
                .send()
                .await
                .expect("scan");
            items.extend(out.items.unwrap_or_default());
            start = out.last_evaluated_key;
            if start.is_none() {
                return items;
            }
        }
    }

    /// Waits until no outbox item is pending (the notifier sent or failed
    /// each), at most `SETTLE_DEADLINE`. Without a notifier, returns at once.
    pub async fn settle(&self) {
        if self.notifier.is_none() {
            return;
        }
        let started = std::time::Instant::now();
        while started.elapsed() < SETTLE_DEADLINE {
            let pending = self.items().await.iter().any(|item| {
                item.get("sk")
                    .and_then(|v| v.as_s().ok())
                    .map(String::as_str)
                    == Some(table::keys::OUTBOX_SK)
                    && item
                        .get("status")
                        .and_then(|v| v.as_s().ok())
                        .map(String::as_str)
                        == Some("pending")
            });
            if !pending {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        eprintln!("outbox still pending after {SETTLE_DEADLINE:?}");
    }

    /// A snapshot of the table to compare before and after a refused
    /// request, taken once the outbox has settled and the table is quiet:
    /// a sent message's owner (an invitation's status) follows its outbox
    /// item by a second write, so two scans in a row must agree.
    pub async fn snapshot(&self) -> Vec<String> {
        self.settle().await;
        let started = std::time::Instant::now();
        let mut last = self.rows().await;
        while started.elapsed() < SETTLE_DEADLINE {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            let now = self.rows().await;
            if now == last {
                break;
            }
            last = now;
        }
        last
    }

    /// Every item rendered as one sorted line, the lines sorted.
    async fn rows(&self) -> Vec<String> {
        let mut rows: Vec<String> = self
            .items()
            .await
            .into_iter()
            .map(|item| {
                let mut pairs: Vec<String> = item
                    .iter()
                    .map(|(k, v)| format!("{k}={}", render(v)))
                    .collect();
                pairs.sort();
                pairs.join(",")
            })
            .collect();
        rows.sort();
        rows
    }

    /// Emails the emulator accepted for `to`, oldest first, whole: both
    /// parts, the extra headers, the configuration set (scripts/emulator.py).
    pub async fn mails_to(&self, to: &str) -> Vec<Mail> {
        self.settle().await;
        let list: Vec<Value> = reqwest::Client::new()
            .get(format!("{}/_emulator/ses/messages", self.endpoint))
            .query(&[("to", to)])
            .send()
            .await
            .expect("emulator answers")
            .json()
            .await
            .expect("the emulator's mailbox (scripts/emulator.py)");
        list.iter()
            .map(|m| Mail {
                subject: m["subject"].as_str().unwrap_or_default().to_owned(),
                html: m["body"].as_str().unwrap_or_default().to_owned(),
                text: m["text"].as_str().unwrap_or_default().to_owned(),
                headers: m["headers"]
                    .as_object()
                    .map(|h| {
                        h.iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                            .collect()
                    })
                    .unwrap_or_default(),
                configuration_set: m["configuration_set"].as_str().map(str::to_owned),
            })
            .collect()
    }

    /// Emails the emulator accepted for `to`, oldest first: (subject, body).
    /// Read from the emulator wrapper's sent-mail endpoint
    /// (scripts/emulator.py); a plain moto server only has the much slower
    /// `/moto-api/data.json`, used as the fallback.
    pub async fn emails_to(&self, to: &str) -> Vec<(String, String)> {
        self.settle().await;
        let http = reqwest::Client::new();
        let direct = http
            .get(format!("{}/_emulator/ses/messages", self.endpoint))
            .query(&[("to", to)])
            .send()
            .await
            .expect("emulator answers");
        if direct.status().is_success() {
            let list: Vec<Value> = direct.json().await.expect("json");
            return list
                .iter()
                .map(|m| {
                    (
                        m["subject"].as_str().unwrap_or_default().to_owned(),
                        m["body"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect();
        }
        let data: Value = http
            .get(format!("{}/moto-api/data.json", self.endpoint))
            .send()
            .await
            .expect("emulator answers")
            .json()
            .await
            .expect("json");
        let mut found = Vec::new();
        // Keyed by region in some moto versions, a flat list in others.
        let messages: Vec<Value> = match &data["ses"]["Message"] {
            Value::Object(o) => o.values().cloned().collect(),
            Value::Array(a) => vec![Value::Array(a.clone())],
            _ => vec![],
        };
        for region in &messages {
            let list: Vec<Value> = match region {
                Value::Array(a) => a.clone(),
                Value::Object(o) => o.values().cloned().collect(),
                _ => vec![],
            };
            for m in list {
                let text = m.to_string();
                if text.contains(to) {
                    found.push((
                        m["subject"].as_str().unwrap_or_default().to_owned(),
                        m["body"].as_str().map(str::to_owned).unwrap_or(text),
                    ));
                }
            }
        }
        found
    }
}

/// One email as SES accepted it.
#[derive(Debug, Clone)]
pub struct Mail {
    pub subject: String,
    pub html: String,
    pub text: String,
    pub headers: std::collections::BTreeMap<String, String>,
    pub configuration_set: Option<String>,
}

/// An attribute value as text with maps and sets in a stable order, so two
/// snapshots of the same data compare equal.
fn render(v: &aws_sdk_dynamodb::types::AttributeValue) -> String {
    use aws_sdk_dynamodb::types::AttributeValue as A;
    let sorted = |mut xs: Vec<String>| {
        xs.sort();
        xs.join(",")
    };
    match v {
        A::M(m) => format!(
            "{{{}}}",
            sorted(
                m.iter()
                    .map(|(k, v)| format!("{k}:{}", render(v)))
                    .collect()
            )
        ),
        A::L(l) => format!("[{}]", l.iter().map(render).collect::<Vec<_>>().join(",")),
        A::Ss(s) => format!("SS({})", sorted(s.clone())),
        A::Ns(s) => format!("NS({})", sorted(s.clone())),
        other => format!("{other:?}"),
    }
}

/// 12 random hex digits: unique names for tables and users.
pub fn hex_id() -> String {
    hex_string(6)
}

fn hex_string(bytes: usize) -> String {
    (0..bytes)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect()
}

/// A username unique across runs, valid on every surface (letters first).
pub fn unique_name(prefix: &str) -> String {
    format!("{prefix}{}", &hex_string(4))
}

/// Registers an OAuth client as the operator's own app (`--first-party`:
/// no consent step), for tests whose subject is not consent.
pub async fn first_party_client(
    store: &table::Store,
    name: &str,
    kind: table::ClientType,
    redirect_uris: &[String],
    scopes: &[String],
) -> Result<oauth::registration::Registered, oauth::registration::RegisterError> {
    let options = oauth::registration::Options {
        first_party: true,
        ..Default::default()
    };
    oauth::registration::register_with(store, name, kind, redirect_uris, scopes, options).await
}
