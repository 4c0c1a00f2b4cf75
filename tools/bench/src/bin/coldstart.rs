//! Cold start, measured side by side: each binary is started under the fake
//! Lambda Runtime API (`bench::FakeRuntime`) on loopback; "init" is the time
//! from spawn to its first `GET /invocation/next` (what Lambda reports as
//! Init Duration), and "first" the time until its first response. Median
//! and p90 over N runs each; the ratio is to the first binary (give the
//! hello-world baseline first). "warm" is one more process answering W
//! invocations in a row: `/next` to response, p50 and p99 (the per-request
//! cost once started: routing, our code, and the event's table calls).
//!
//! usage: coldstart [--runs N] [--warm W] [--event FILE] BINARY...
//! The functions read their usual environment (TABLE_NAME, AWS_*, and
//! AWS_ENDPOINT_URL for the emulator), so run it under `make emulator`.

use bench::{percentile, FakeRuntime};
use std::time::Duration;

const NOWHERE: &str = r#"{"version":"2.0","routeKey":"$default","rawPath":"/nowhere","rawQueryString":"","headers":{},"requestContext":{"http":{"method":"GET","path":"/nowhere","protocol":"HTTP/1.1","sourceIp":"127.0.0.1","userAgent":"bench"},"requestId":"bench","routeKey":"$default","stage":"$default","accountId":"1","apiId":"bench","domainName":"localhost","domainPrefix":"localhost","time":"22/Nov/2026:10:00:00 +0000","timeEpoch":0},"isBase64Encoded":false}"#;

struct Figures {
    init: (f64, f64),
    first: (f64, f64),
    warm: (f64, f64),
}

fn ms(d: &std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn measure(
    runtime: &FakeRuntime,
    binary: &str,
    event: &str,
    (runs, warm): (usize, usize),
) -> Option<Figures> {
    let (mut inits, mut firsts) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let run = runtime
            .invoke(
                binary,
                event,
                &[("RUST_LOG", "off")],
                Duration::from_secs(10),
            )
            .await
            .expect("start the binary");
        if let Some(error) = &run.error {
            eprintln!("{binary}: {error}");
        }
        if let (Some(i), Some(f), None) = (run.init, run.first, &run.error) {
            inits.push(ms(&i));
            firsts.push(ms(&f));
        }
    }
    let quiet = [("RUST_LOG", "off")];
    let timeout = Duration::from_secs(60);
    let run = runtime
        .invoke_warm(binary, event, &quiet, timeout, warm)
        .await
        .expect("start the binary");
    let mut warms: Vec<f64> = run.warm.iter().map(ms).collect();
    if warms.is_empty() {
        warms.push(f64::NAN);
    }
    (!inits.is_empty()).then(|| Figures {
        init: (percentile(&mut inits, 0.5), percentile(&mut inits, 0.9)),
        first: (percentile(&mut firsts, 0.5), percentile(&mut firsts, 0.9)),
        warm: (percentile(&mut warms, 0.5), percentile(&mut warms, 0.99)),
    })
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let mut runs = 30;
    let mut warm = 200;
    let mut event = NOWHERE.to_owned();
    let mut binaries = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).expect("--runs N"),
            "--warm" => warm = args.next().and_then(|n| n.parse().ok()).expect("--warm W"),
            "--event" => {
                event =
                    std::fs::read_to_string(args.next().expect("--event FILE")).expect("read event")
            }
            _ => binaries.push(arg),
        }
    }
    assert!(
        !binaries.is_empty(),
        "usage: coldstart [--runs N] [--warm W] [--event FILE] BINARY..."
    );
    let runtime = FakeRuntime::start().await.expect("listen on loopback");
    println!(
        "{:<16} {:>5} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>11}",
        "binary",
        "runs",
        "init p50",
        "init p90",
        "vs first",
        "1st p50",
        "1st p90",
        "warm p50",
        "warm p99",
        "stripped KiB"
    );
    let mut baseline = None;
    for binary in &binaries {
        let name = std::path::Path::new(binary)
            .file_name()
            .map_or(binary.clone(), |n| n.to_string_lossy().into_owned());
        let size = std::fs::metadata(binary).map_or(0, |m| m.len() / 1024);
        let Some(f) = measure(&runtime, binary, &event, (runs, warm)).await else {
            println!("{name:<16} no successful run");
            continue;
        };
        let base = *baseline.get_or_insert(f.init.0);
        println!(
            "{:<16} {:>5} {:>9.2} {:>9.2} {:>8.1}x {:>9.2} {:>9.2} {:>9.3} {:>9.3} {:>11}",
            name,
            runs,
            f.init.0,
            f.init.1,
            f.init.0 / base,
            f.first.0,
            f.first.1,
            f.warm.0,
            f.warm.1,
            size
        );
    }
}
