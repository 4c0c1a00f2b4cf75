//! Users API TOTP second factor against the emulator: setup and confirm
//! (password again, recovery codes shown once), login without an email,
//! `do-2fa` with an authenticator code or a recovery code, each usable
//! once, the attempt limit, disable, and refusals that write nothing.

use crate::audit_support::without_events;
use crate::users_support::*;
use domain::totp::{totp_at, TotpSecret};
use http::{Method, StatusCode};
use platform_tests::{Reply, TestEnv};
use serde_json::{json, Value};

fn now() -> i64 {
    domain::time::now_secs()
}

async fn post_with(env: &TestEnv, path: &str, body: Value, cookie: &str) -> Reply {
    call(env, Method::POST, path, Some(body), &[("cookie", cookie)]).await
}

/// Setup and confirm with a cookie session: the secret and recovery codes.
pub(crate) async fn enrol(env: &TestEnv, p: &Person) -> (TotpSecret, Vec<String>) {
    let c = session(env, p).await;
    let r = post_with(
        env,
        "/user/2fa/totp/setup",
        json!({"password": PASSWORD}),
        &c,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let b32 = r.body["data"]["secret"].as_str().unwrap();
    let uri = r.body["data"]["otpauthUri"].as_str().unwrap();
    assert!(uri.starts_with(&format!(
        "otpauth://totp/Platform:{}?secret={b32}&issuer=Platform",
        p.username
    )));
    let secret = TotpSecret::parse(b32).unwrap();
    assert_eq!(secret.bytes().len(), 20);
    let code = totp_at(secret.bytes(), now());
    let r = post_with(env, "/user/2fa/totp/confirm", json!({ "code": code }), &c).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let codes: Vec<String> =
        serde_json::from_value(r.body["data"]["recoveryCodes"].clone()).unwrap();
    assert_eq!(codes.len(), 10);
    (secret, codes)
}

/// Logs in (2FA on) and returns the challenge's `sessionHash`.
async fn challenge(env: &TestEnv, p: &Person) -> String {
    let r = login(env, p).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["data"]["2faEnabled"], true);
    assert!(r.headers.get("set-cookie").is_none());
    r.body["data"]["sessionHash"].as_str().unwrap().to_owned()
}

async fn do_2fa(env: &TestEnv, p: &Person, hash: &str, code: &str) -> Reply {
    env.post(
        "/user/do-2fa",
        json!({"target": p.id, "code": code, "sessionHash": hash}),
    )
    .await
}

/// A code of the next step: newer than the one confirm spent.
fn next_code(secret: &TotpSecret) -> String {
    totp_at(secret.bytes(), now() + 30)
}

#[tokio::test]
async fn totp_login_flow_single_use_and_no_email() {
    let env = env().await;
    let p = verified(&env).await;
    let (secret, _) = enrol(&env, &p).await;
    let u = user(&env, &p.id).await;
    assert!(u.two_factor_enabled && u.totp_secret.is_some() && u.totp_pending.is_none());
    assert_eq!(u.recovery_codes.len(), 10);
    let mails = env.emails_to(&p.email).await;
    assert_eq!(mails.last().unwrap().0, "Authenticator app turned on");

    let hash = challenge(&env, &p).await;
    assert_eq!(
        env.emails_to(&p.email).await.len(),
        mails.len(),
        "no email at login"
    );
    let code = next_code(&secret);
    let r = do_2fa(&env, &p, &hash, &code).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["data"]["user"]["_id"], p.id.as_str());
    assert!(r.headers.get("set-cookie").is_some());

    // The same code again, on a fresh challenge: refused.
    let hash = challenge(&env, &p).await;
    let r = do_2fa(&env, &p, &hash, &code).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidCode");
}

#[tokio::test]
async fn a_recovery_code_works_once() {
    let env = env().await;
    let p = verified(&env).await;
    let (_, codes) = enrol(&env, &p).await;
    let hash = challenge(&env, &p).await;
    let r = do_2fa(&env, &p, &hash, &codes[3].to_uppercase()).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(user(&env, &p.id).await.recovery_codes.len(), 9);
    let hash = challenge(&env, &p).await;
    let r = do_2fa(&env, &p, &hash, &codes[3]).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidCode");
    let r = do_2fa(&env, &p, &hash, &codes[4]).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
}

#[tokio::test]
async fn five_wrong_totp_codes_end_the_challenge() {
    let env = env().await;
    let p = verified(&env).await;
    let (secret, _) = enrol(&env, &p).await;
    let hash = challenge(&env, &p).await;
    let valid: Vec<String> = (-2..=2)
        .map(|d| totp_at(secret.bytes(), now() + d * 30))
        .collect();
    let wrong = (0..)
        .map(|i| format!("{i:06}"))
        .find(|c| !valid.contains(c))
        .unwrap();
    for _ in 0..5 {
        let r = do_2fa(&env, &p, &hash, &wrong).await;
        assert_error(&r, StatusCode::BAD_REQUEST, "InvalidCode");
    }
    let r = do_2fa(&env, &p, &hash, &next_code(&secret)).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidCode");
}

#[tokio::test]
async fn disable_removes_totp_and_recovery_codes() {
    let env = env().await;
    let p = verified(&env).await;
    let (secret, _) = enrol(&env, &p).await;
    let hash = challenge(&env, &p).await;
    let r = do_2fa(&env, &p, &hash, &next_code(&secret)).await;
    let c = cookie(&r);
    let r = post_with(&env, "/user/2fa/disable", json!({"password": PASSWORD}), &c).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let u = user(&env, &p.id).await;
    assert!(!u.two_factor_enabled);
    assert!(u.totp_secret.is_none() && u.totp_pending.is_none());
    assert!(u.recovery_codes.is_empty());
    assert_eq!(login(&env, &p).await.body["data"]["2faEnabled"], false);
}

#[tokio::test]
async fn bad_inputs_are_refused_and_write_nothing() {
    let env = env().await;
    let p = verified(&env).await;
    let c = session(&env, &p).await;

    // A wrong password counts as a failed login (its counter and its
    // security event) and stores no secret.
    let before = without_events(env.snapshot().await);
    let r = post_with(
        &env,
        "/user/2fa/totp/setup",
        json!({"password": "wrong-pass"}),
        &c,
    )
    .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "InvalidCredentials");
    assert_eq!(without_events(env.snapshot().await).len(), before.len());
    assert!(user(&env, &p.id).await.totp_pending.is_none());

    let before = env.snapshot().await;
    let r = call(
        &env,
        Method::POST,
        "/user/2fa/totp/setup",
        Some(json!({"password": PASSWORD})),
        &[],
    )
    .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "Unauthorized");
    let r = post_with(&env, "/user/2fa/totp/setup", json!({}), &c).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidInput");
    // Confirm without a pending secret, malformed, without a session.
    let r = post_with(
        &env,
        "/user/2fa/totp/confirm",
        json!({"code": "123456"}),
        &c,
    )
    .await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidCode");
    // A string must be 6 digits (a 5-digit one is not a wrong code but bad input).
    for code in [json!("12ab"), json!("12345"), json!("1234567"), json!(true)] {
        let r = post_with(&env, "/user/2fa/totp/confirm", json!({ "code": code }), &c).await;
        assert_error(&r, StatusCode::BAD_REQUEST, "InvalidInput");
    }
    let r = call(
        &env,
        Method::POST,
        "/user/2fa/totp/confirm",
        Some(json!({"code": "123456"})),
        &[],
    )
    .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "Unauthorized");
    assert_eq!(env.snapshot().await, before);

    // A wrong code for the pending secret activates nothing.
    let r = post_with(
        &env,
        "/user/2fa/totp/setup",
        json!({"password": PASSWORD}),
        &c,
    )
    .await;
    let secret = TotpSecret::parse(r.body["data"]["secret"].as_str().unwrap()).unwrap();
    let valid: Vec<String> = (-2..=2)
        .map(|d| totp_at(secret.bytes(), now() + d * 30))
        .collect();
    let wrong = (0..)
        .map(|i| format!("{i:06}"))
        .find(|c| !valid.contains(c))
        .unwrap();
    let before = env.snapshot().await;
    let r = post_with(&env, "/user/2fa/totp/confirm", json!({ "code": wrong }), &c).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidCode");
    assert_eq!(env.snapshot().await, before);
    assert!(!user(&env, &p.id).await.two_factor_enabled);

    // do-2fa: a code that is neither 6 digits nor a recovery code.
    let (_, _) = enrol(&env, &p).await;
    let hash = challenge(&env, &p).await;
    let before = env.snapshot().await;
    for code in ["12ab", "abcd-efgh", "1234567"] {
        let r = do_2fa(&env, &p, &hash, code).await;
        assert_error(&r, StatusCode::BAD_REQUEST, "InvalidInput");
    }
    assert_eq!(env.snapshot().await, before);
}
