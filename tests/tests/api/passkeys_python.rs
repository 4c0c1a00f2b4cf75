//! The passkeys JSON API driven from outside by a software authenticator
//! written with Yubico's `fido2` (PyPI, pinned in
//! scripts/passkeys-constraints.txt, in a venv of its own): it registers a
//! passkey for a signed-in account over real HTTP, then signs in with it
//! twice without a username, its counter rising.

use crate::passkeys_support::{env, ORIGIN};
use crate::users_support::{session, verified};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[tokio::test]
async fn a_fido2_authenticator_registers_and_signs_in_over_http() {
    let venv = ".local/passkeys-venv";
    let made = Command::new("scripts/own-venv.sh")
        .args([venv, "scripts/passkeys-constraints.txt"])
        .current_dir(root())
        .status()
        .expect("run scripts/own-venv.sh");
    assert!(made.success(), "installing fido2 failed");

    let env = env().await;
    let p = verified(&env).await;
    let sid = session(&env, &p).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = env.app.clone();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let python = root().join(venv).join("bin/python");
    let script = root().join("scripts/passkeys-authenticator.py");
    let out = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .args([
                script.as_os_str(),
                base.as_ref(),
                sid.as_ref(),
                ORIGIN.as_ref(),
            ])
            .output()
            .expect("run the authenticator")
    })
    .await
    .unwrap();
    server.abort();
    assert!(
        out.status.success(),
        "the authenticator failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: Value = serde_json::from_slice(&out.stdout).expect("one JSON line");
    assert_eq!(result["accounts"], serde_json::json!([p.id, p.id]));
    assert_eq!(result["counters"], serde_json::json!([1, 2]));
    assert!(result["passkey"].is_string());
}
