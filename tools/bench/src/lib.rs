//! A fake Lambda Runtime API on loopback, for the cold-start benchmark and
//! `make invoke`: it hands one event to a function process and records when
//! the process first asked for work (what Lambda reports as Init Duration),
//! when it answered, and what it answered.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::Router;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// What one invocation of one process gave.
#[derive(Debug, Default, Clone)]
pub struct Invocation {
    /// Spawn to the first `GET /invocation/next`.
    pub init: Option<Duration>,
    /// Spawn to the response (or the error report).
    pub first: Option<Duration>,
    pub response: Option<String>,
    /// An invocation or init error the function reported.
    pub error: Option<String>,
    /// The warm invocations after the first: `/next` to response, each.
    pub warm: Vec<Duration>,
}

#[derive(Default)]
struct Run {
    started: Option<Instant>,
    /// Invocations still to hand out.
    remaining: usize,
    asked: Option<Instant>,
    event: String,
    outcome: Invocation,
}

struct Shared {
    run: Mutex<Run>,
    done: Notify,
}

pub struct FakeRuntime {
    shared: Arc<Shared>,
    address: String,
}

impl FakeRuntime {
    /// Listens on a free loopback port.
    pub async fn start() -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            run: Mutex::default(),
            done: Notify::new(),
        });
        let app = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route(
                "/2018-06-01/runtime/invocation/{id}/response",
                post(respond),
            )
            .route("/2018-06-01/runtime/invocation/{id}/error", post(failed))
            .route("/2018-06-01/runtime/init/error", post(init_failed))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?.to_string();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(Self { shared, address })
    }

    /// Starts `binary` (its environment plus `env` and the Runtime API's
    /// variables), serves it `event` once, waits for its answer up to
    /// `timeout`, then kills it.
    pub async fn invoke(
        &self,
        binary: &str,
        event: &str,
        env: &[(&str, &str)],
        timeout: Duration,
    ) -> std::io::Result<Invocation> {
        self.invoke_warm(binary, event, env, timeout, 0).await
    }

    /// As [`invoke`](Self::invoke), then `warm` more invocations of the
    /// same event in the same process (their times in `Invocation::warm`).
    pub async fn invoke_warm(
        &self,
        binary: &str,
        event: &str,
        env: &[(&str, &str)],
        timeout: Duration,
        warm: usize,
    ) -> std::io::Result<Invocation> {
        *self.shared.run.lock().unwrap() = Run {
            started: Some(Instant::now()),
            remaining: warm + 1,
            event: event.to_owned(),
            ..Run::default()
        };
        let mut command = tokio::process::Command::new(binary);
        command
            .env("AWS_LAMBDA_RUNTIME_API", &self.address)
            .env("AWS_LAMBDA_FUNCTION_NAME", "local")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
            .stdout(std::process::Stdio::null());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn()?;
        let finished = tokio::time::timeout(timeout, self.shared.done.notified()).await;
        let _ = child.kill().await;
        let outcome = self.shared.run.lock().unwrap().outcome.clone();
        Ok(match finished {
            Ok(()) => outcome,
            Err(_) => Invocation {
                error: Some(format!("no answer within {timeout:?}")),
                ..outcome
            },
        })
    }
}

async fn next(State(s): State<Arc<Shared>>) -> (HeaderMap, String) {
    let event = {
        let mut run = s.run.lock().unwrap();
        if run.outcome.init.is_none() {
            run.outcome.init = run.started.map(|t| t.elapsed());
        }
        let more = run.remaining > 0;
        run.remaining = run.remaining.saturating_sub(1);
        run.asked = Some(Instant::now());
        more.then(|| run.event.clone())
    };
    let Some(event) = event else {
        // One invocation per process: park the runtime until it is killed.
        std::future::pending::<()>().await;
        unreachable!()
    };
    let mut headers = HeaderMap::new();
    for (name, value) in [
        ("lambda-runtime-aws-request-id", "local-1"),
        ("lambda-runtime-deadline-ms", "99999999999999"),
        (
            "lambda-runtime-invoked-function-arn",
            "arn:aws:lambda:us-east-1:123456789012:function:local",
        ),
        ("lambda-runtime-trace-id", "Root=1-0-0"),
    ] {
        headers.insert(name, value.parse().unwrap());
    }
    (headers, event)
}

fn finish(s: &Shared, response: Option<String>, error: Option<String>) {
    let mut run = s.run.lock().unwrap();
    if run.outcome.first.is_none() {
        run.outcome.first = run.started.map(|t| t.elapsed());
    } else if let Some(asked) = run.asked {
        run.outcome.warm.push(asked.elapsed());
    }
    let failed = error.is_some();
    run.outcome.response = response;
    run.outcome.error = error;
    if failed || run.remaining == 0 {
        s.done.notify_one();
    }
}

async fn respond(
    State(s): State<Arc<Shared>>,
    Path(_id): Path<String>,
    body: String,
) -> &'static str {
    finish(&s, Some(body), None);
    "{}"
}

async fn failed(
    State(s): State<Arc<Shared>>,
    Path(_id): Path<String>,
    body: String,
) -> &'static str {
    finish(&s, None, Some(body));
    "{}"
}

async fn init_failed(State(s): State<Arc<Shared>>, body: String) -> &'static str {
    finish(&s, None, Some(body));
    "{}"
}

/// The value below which `share` of the sorted samples fall.
pub fn percentile(samples: &mut [f64], share: f64) -> f64 {
    samples.sort_by(f64::total_cmp);
    let index = ((samples.len() as f64 - 1.0) * share).round() as usize;
    samples[index]
}
