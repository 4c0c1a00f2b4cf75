//! Issue 18, finding 3: a stranger must never keep the owner out. Five
//! reset-code requests used to make the owner's right password answer 429
//! for 15 minutes, and failed passwords from anywhere locked any account.
//! Now reset codes, 2FA challenges and notices have budgets of their own,
//! and failed sign-ins slow their source (its address, the account for
//! untrusted clients), never a device that signed in before.

use crate::gate_support::*;
use crate::users_support::PASSWORD;
use domain::lockout::{DEVICE_FREE_FAILURES, SOURCE_FAILURES};
use http::{Method, StatusCode};
use platform_tests::TestEnv;
use serde_json::json;

async fn reset_code(env: &TestEnv, email: &str) -> StatusCode {
    let uri = format!("/user/code?email={}", urlencode(email));
    send(env, Method::GET, &uri, None, &Caller::default())
        .await
        .status
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn reset_code_requests_never_lock_the_owner_out() {
    let env = env().await;
    let p = person(&env).await;
    two_factor_on(&env, &p).await;
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(reset_code(&env, &p.email).await);
    }
    assert_eq!(statuses[..5], [StatusCode::OK; 5]);
    assert_eq!(statuses[5..], [StatusCode::TOO_MANY_REQUESTS; 2]);
    // The owner's right password still opens a challenge everywhere.
    let r = users_login(&env, &p, PASSWORD, &Caller::default()).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["data"]["2faEnabled"], true);
    let r = app_login(&env, &p.username, PASSWORD, &Caller::default()).await;
    assert_eq!(r.body["status"], "2fa_required", "{}", r.body);
}

#[tokio::test]
async fn a_strangers_failures_never_lock_out_a_device_that_signed_in_before() {
    let env = env().await;
    let p = person(&env).await;
    let owner = Caller::ip("10.0.0.1");
    let r = users_login(&env, &p, PASSWORD, &owner).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let owner = owner.with_cookie(&device_cookie(&r));
    // A stranger guesses from many addresses (so no address budget stops
    // them): the account locks for clients it has never seen.
    for i in 0..5 {
        let ip: &'static str = Box::leak(format!("203.0.113.{i}").into_boxed_str());
        let r = users_login(&env, &p, "wrong-guess", &Caller::ip(ip)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{:?}", r.body);
    }
    let u = crate::users_support::user(&env, &p.id).await;
    assert!(u.locked_until.is_some(), "the fifth failure locks");
    // As a long campaign leaves it: locked for the longest step.
    lock_for_a_while(&env, &u.id).await;
    let r = users_login(&env, &p, PASSWORD, &Caller::ip("198.51.100.7")).await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "locked for untrusted clients"
    );
    assert_eq!(
        r.body["code"], "InvalidCredentials",
        "the lock says no more"
    );
    // The owner's device gets in on every surface.
    let r = users_login(&env, &p, PASSWORD, &owner).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = app_login(&env, &p.username, PASSWORD, &owner).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = accounts_auth(&env, &p.username, PASSWORD, json!({}), &owner).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
}

/// The account locked for 15 minutes, as many failures leave it.
async fn lock_for_a_while(env: &TestEnv, id: &domain::UserId) {
    use aws_sdk_dynamodb::types::AttributeValue as A;
    let until = domain::time::now_ms() + domain::lockout::MAX_LOCK_MS;
    env.state
        .store
        .client()
        .update_item()
        .table_name(env.state.store.table())
        .set_key(Some(table::item::key(
            table::keys::user(id),
            table::keys::USER_SK,
        )))
        .update_expression("SET failed_logins = :f, locked_until = :t")
        .expression_attribute_values(":f", A::N("14".into()))
        .expression_attribute_values(":t", A::N(until.to_string()))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_at_their_source_address_only() {
    let env = env().await;
    let p = person(&env).await;
    let owner = Caller::ip("192.0.2.9");
    let r = users_login(&env, &p, PASSWORD, &owner).await;
    let owner = owner.with_cookie(&device_cookie(&r));
    let guesser = Caller::ip("192.0.2.9");
    for i in 0..SOURCE_FAILURES.max {
        let r = accounts_auth(&env, &format!("nobody{i}"), "guess", json!({}), &guesser).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{i}: {:?}", r.body);
    }
    for r in [
        accounts_auth(&env, "nobody", "guess", json!({}), &guesser).await,
        users_login(&env, &p, PASSWORD, &guesser).await,
        app_login(&env, &p.username, PASSWORD, &guesser).await,
    ] {
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{:?}", r.body);
        let retry: u32 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=900).contains(&retry), "{retry}");
        assert!(r.headers["ratelimit-policy"]
            .to_str()
            .unwrap()
            .contains("login-fail-source"));
    }
    // Another address is not slowed, nor the owner's device at this one.
    let r = users_login(&env, &p, PASSWORD, &Caller::ip("192.0.2.10")).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = users_login(&env, &p, PASSWORD, &owner).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
}

#[tokio::test]
async fn a_trusted_device_spends_its_own_budget_not_the_accounts() {
    let env = env().await;
    let p = person(&env).await;
    let r = users_login(&env, &p, PASSWORD, &Caller::default()).await;
    let device = Caller::default().with_cookie(&device_cookie(&r));
    for _ in 0..DEVICE_FREE_FAILURES {
        let r = users_login(&env, &p, "wrong-guess", &device).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let u = crate::users_support::user(&env, &p.id).await;
    assert_eq!(u.failed_logins, 0, "the account's lockout was not touched");
    assert!(u.locked_until.is_none());
    // The device is untrusted now: its next failure counts on the account.
    let r = users_login(&env, &p, "wrong-guess", &device).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        crate::users_support::user(&env, &p.id).await.failed_logins,
        1
    );
    // And its right password still works (the account is not locked).
    let r = users_login(&env, &p, PASSWORD, &device).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
}
