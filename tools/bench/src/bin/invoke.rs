//! `make invoke`: runs one function binary under the fake Lambda Runtime
//! API, feeds it one event, and prints what it answered (the response
//! document, pretty-printed when it is JSON). Exits non-zero when the
//! function reported an error or did not answer.
//!
//! usage: invoke BINARY EVENT_FILE
//! The function reads the caller's environment (TABLE_NAME, AWS_*,
//! AWS_ENDPOINT_URL): scripts/invoke.sh gives it `make dev`'s.

use bench::FakeRuntime;
use std::process::ExitCode;
use std::time::Duration;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [binary, event_file] = args.as_slice() else {
        eprintln!("usage: invoke BINARY EVENT_FILE");
        return ExitCode::from(2);
    };
    let event = match std::fs::read_to_string(event_file) {
        Ok(event) => event,
        Err(e) => {
            eprintln!("invoke: {event_file}: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = FakeRuntime::start().await.expect("listen on loopback");
    let run = runtime
        .invoke(binary, &event, &[], Duration::from_secs(30))
        .await
        .expect("start the function");
    if let Some(error) = run.error {
        eprintln!("invoke: the function reported an error: {error}");
        return ExitCode::FAILURE;
    }
    let response = run.response.unwrap_or_default();
    match serde_json::from_str::<serde_json::Value>(&response) {
        Ok(json) => println!("{}", serde_json::to_string_pretty(&json).unwrap()),
        Err(_) => println!("{response}"),
    }
    if let (Some(init), Some(first)) = (run.init, run.first) {
        eprintln!(
            "invoke: init {:.1} ms, answered after {:.1} ms",
            init.as_secs_f64() * 1000.0,
            first.as_secs_f64() * 1000.0
        );
    }
    ExitCode::SUCCESS
}
