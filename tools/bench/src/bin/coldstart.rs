//! Cold start, measured side by side: each binary is started under a fake
//! Lambda Runtime API on loopback; "init" is the time from spawn to its
//! first `GET /invocation/next` (what Lambda reports as Init Duration), and
//! "first" the time until its first response. Medians over N runs.
//!
//! usage: coldstart [--runs N] [--event FILE] BINARY...
//! The functions read their usual environment (TABLE_NAME, AWS_*, and
//! AWS_ENDPOINT_URL for the emulator), so run it under `make emulator`.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::Router;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

#[derive(Default)]
struct Run {
    started: Option<Instant>,
    init: Option<Duration>,
    first: Option<Duration>,
    served: bool,
}

struct Shared {
    run: Mutex<Run>,
    event: String,
    done: Notify,
}

async fn next(State(s): State<Arc<Shared>>) -> (HeaderMap, String) {
    let first_call = {
        let mut run = s.run.lock().unwrap();
        if run.init.is_none() {
            run.init = run.started.map(|t| t.elapsed());
        }
        let first = !run.served;
        run.served = true;
        first
    };
    if !first_call {
        // One invocation per process: park the runtime until it is killed.
        std::future::pending::<()>().await;
    }
    let mut headers = HeaderMap::new();
    headers.insert("lambda-runtime-aws-request-id", "bench-1".parse().unwrap());
    headers.insert(
        "lambda-runtime-deadline-ms",
        "99999999999999".parse().unwrap(),
    );
    headers.insert(
        "lambda-runtime-invoked-function-arn",
        "arn:aws:lambda:us-east-1:123456789012:function:bench"
            .parse()
            .unwrap(),
    );
    headers.insert("lambda-runtime-trace-id", "Root=1-0-0".parse().unwrap());
    (headers, s.event.clone())
}

async fn respond(
    State(s): State<Arc<Shared>>,
    Path(_id): Path<String>,
    body: String,
) -> &'static str {
    {
        let mut run = s.run.lock().unwrap();
        run.first = run.started.map(|t| t.elapsed());
    }
    if body.is_empty() {
        eprintln!("empty response");
    }
    s.done.notify_one();
    "{}"
}

async fn failed(State(s): State<Arc<Shared>>, body: String) -> &'static str {
    eprintln!("function reported an error: {body}");
    s.done.notify_one();
    "{}"
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1).peekable();
    let mut runs = 20;
    let mut event = r#"{"version":"2.0","routeKey":"$default","rawPath":"/nowhere","rawQueryString":"","headers":{},"requestContext":{"http":{"method":"GET","path":"/nowhere","protocol":"HTTP/1.1","sourceIp":"127.0.0.1","userAgent":"bench"},"requestId":"bench","routeKey":"$default","stage":"$default","accountId":"1","apiId":"bench","domainName":"localhost","domainPrefix":"localhost","time":"22/Nov/2026:10:00:00 +0000","timeEpoch":0},"isBase64Encoded":false}"#.to_owned();
    let mut binaries = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).expect("--runs N"),
            "--event" => {
                event =
                    std::fs::read_to_string(args.next().expect("--event FILE")).expect("read event")
            }
            _ => binaries.push(arg),
        }
    }
    assert!(
        !binaries.is_empty(),
        "usage: coldstart [--runs N] [--event FILE] BINARY..."
    );
    let shared = Arc::new(Shared {
        run: Mutex::default(),
        event,
        done: Notify::new(),
    });
    let app = Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next))
        .route(
            "/2018-06-01/runtime/invocation/{id}/response",
            post(respond),
        )
        .route("/2018-06-01/runtime/invocation/{id}/error", post(failed))
        .route("/2018-06-01/runtime/init/error", post(failed))
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move { axum::serve(listener, app).await });

    println!(
        "{:<40} {:>6} {:>12} {:>12} {:>10}",
        "binary", "runs", "init ms", "first ms", "size KiB"
    );
    for binary in &binaries {
        let (mut inits, mut firsts) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            *shared.run.lock().unwrap() = Run {
                started: Some(Instant::now()),
                ..Run::default()
            };
            let mut child = tokio::process::Command::new(binary)
                .env("AWS_LAMBDA_RUNTIME_API", &api)
                .env("AWS_LAMBDA_FUNCTION_NAME", "bench")
                .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
                .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
                .env("RUST_LOG", "off")
                .stdout(std::process::Stdio::null())
                .spawn()
                .expect("start the binary");
            let finished =
                tokio::time::timeout(Duration::from_secs(10), shared.done.notified()).await;
            let _ = child.kill().await;
            let run = shared.run.lock().unwrap();
            if finished.is_ok() {
                if let (Some(i), Some(f)) = (run.init, run.first) {
                    inits.push(i.as_secs_f64() * 1000.0);
                    firsts.push(f.as_secs_f64() * 1000.0);
                }
            }
        }
        let size = std::fs::metadata(binary)
            .map(|m| m.len() / 1024)
            .unwrap_or(0);
        if inits.is_empty() {
            println!("{binary:<40} no successful run");
            continue;
        }
        println!(
            "{:<40} {:>6} {:>12.2} {:>12.2} {:>10}",
            binary,
            inits.len(),
            median(inits),
            median(firsts),
            size
        );
    }
}
