//! The third-party check of issue 22: a receiver written with the Standard
//! Webhooks reference library (PyPI `standardwebhooks`, pinned in
//! scripts/webhooks-constraints.txt, in a venv of its own) verifies every
//! delivery, fails the first three attempts of each, and at the end has
//! every event exactly once, one webhook-id each, all signatures valid,
//! also after a secret rotation (then both signatures verify).

use crate::users_support::{self};
use crate::webhooks_support::{api, env, register, writer};
use http::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The receiver process (killed on drop) and its port.
struct Python(Child, u16);

impl Drop for Python {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_receiver(fail: u32) -> Python {
    let venv = ".local/webhooks-venv";
    let made = Command::new("scripts/own-venv.sh")
        .args([venv, "scripts/webhooks-constraints.txt"])
        .current_dir(root())
        .status()
        .expect("run scripts/own-venv.sh");
    assert!(made.success(), "installing standardwebhooks failed");
    let port_file =
        std::env::temp_dir().join(format!("webhooks-port-{}", platform_tests::unique_name("")));
    // Owned at once: a failed start below still kills it (Drop).
    let mut receiver = Python(
        Command::new(root().join(venv).join("bin/python"))
            .arg(root().join("scripts/webhooks-receiver.py"))
            .arg(&port_file)
            .arg(fail.to_string())
            .spawn()
            .expect("start the receiver"),
        0,
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(port) = std::fs::read_to_string(&port_file)
            .ok()
            .and_then(|p| p.trim().parse().ok())
        {
            let _ = std::fs::remove_file(&port_file);
            receiver.1 = port;
            return receiver;
        }
        assert!(Instant::now() < deadline, "the receiver did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

async fn control(port: u16, path: &str, body: Option<Value>) -> Value {
    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}{path}");
    let req = match body {
        Some(b) => client.post(url).json(&b),
        None => client.get(url),
    };
    req.send().await.unwrap().json().await.unwrap()
}

/// The event types the receiver accepted, each with how many times.
fn accepted(seen: &Value) -> BTreeMap<String, usize> {
    let mut types = BTreeMap::new();
    for s in seen
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == 204)
    {
        *types
            .entry(s["type"].as_str().unwrap_or("?").to_owned())
            .or_default() += 1;
    }
    types
}

async fn wait_for(port: u16, types: &[&str]) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let seen = control(port, "/seen", None).await;
        let got = accepted(&seen);
        if types.iter().all(|t| got.contains_key(*t)) || Instant::now() > deadline {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn the_reference_library_verifies_every_delivery() {
    let receiver = start_receiver(3);
    let mut env = env().await;
    let key = writer(&env).await;
    let url = format!("http://127.0.0.1:{}/hook", receiver.1);
    let (id, secret) = register(&env, &key, &url, &["*"]).await;
    control(
        receiver.1,
        "/secrets",
        Some(json!({ "secrets": [secret.expose()] })),
    )
    .await;
    env.start_webhooks(&[0, 1, 1, 1]);

    let person = users_support::verified(&env).await;
    users_support::session(&env, &person).await;
    wait_for(
        receiver.1,
        &["user.created", "email.verified", "session.created"],
    )
    .await;

    let r = api(
        &env,
        Method::POST,
        &format!("/api/webhooks/{id}/rotate"),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let rotated = r.body["secret"].as_str().unwrap().to_owned();
    // From now on each delivery must verify with the new secret and the old.
    control(
        receiver.1,
        "/secrets",
        Some(json!({ "secrets": [rotated, secret.expose()] })),
    )
    .await;
    let user = domain::UserId::parse(&person.id).unwrap();
    let moderation = app::store::AppStore::new(&env.state.store);
    assert!(moderation
        .set_banned(&user, true, None, domain::audit::Actor::Operator)
        .await
        .unwrap());
    let all = [
        "user.created",
        "email.verified",
        "session.created",
        "user.banned",
    ];
    wait_for(receiver.1, &all).await;
    tokio::time::sleep(Duration::from_secs(2)).await;

    let seen = control(receiver.1, "/seen", None).await;
    let seen = seen.as_array().unwrap();
    assert!(
        seen.iter().all(|s| s["verified"] == true),
        "a delivery did not verify: {seen:#?}"
    );
    let mut per_id: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for s in seen {
        per_id
            .entry(s["id"].as_str().unwrap())
            .or_default()
            .push(s["status"].as_i64().unwrap());
    }
    for (id, statuses) in &per_id {
        assert_eq!(
            statuses,
            &[503, 503, 503, 204],
            "{id}: three failures, then once"
        );
    }
    let types = accepted(&Value::Array(seen.clone()));
    for t in all {
        assert_eq!(types.get(t), Some(&1), "{t} exactly once: {types:?}");
    }
    let banned: BTreeSet<i64> = seen
        .iter()
        .filter(|s| s["type"] == "user.banned")
        .map(|s| s["signatures"].as_i64().unwrap())
        .collect();
    assert_eq!(banned, [2].into(), "after a rotation both secrets sign");
}
