//! "Remember this device" for the second factor: answering the challenge
//! with `remember: true` spares that device (its `did` cookie) the second
//! factor of that account for 30 days — not the password, not another
//! account's sign-in — until the account's tokens are voided (a new
//! password, signing out everywhere) or 2FA is turned off and on.

use crate::audit_support::{events_of, newest};
use crate::gate_support::*;
use crate::users_support::{bearer, call, cookie, last_code, token, Person, PASSWORD};
use domain::scopes::{ADMIN_PROFILE_WRITE, PROFILE_READ};
use domain::UserId;
use http::{Method, StatusCode};
use platform_tests::{Reply, TestEnv};
use serde_json::json;
use table::UserFlag;

fn from(did: &str) -> Caller {
    Caller {
        cookies: vec![did.to_owned()],
        ..Caller::default()
    }
}

/// Answers `p`'s login challenge from `caller` (`remember` or not): the
/// completed reply.
async fn answered(env: &TestEnv, p: &Person, caller: &Caller, remember: bool) -> Reply {
    let r = users_login(env, p, PASSWORD, caller).await;
    assert_eq!(r.body["data"]["2faEnabled"], true, "{:?}", r.body);
    let hash = r.body["data"]["sessionHash"].as_str().unwrap();
    let code = last_code(env, &p.email).await;
    let body = json!({ "target": p.id, "code": code, "sessionHash": hash, "remember": remember });
    let r = post(env, "/user/do-2fa", body, caller).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r
}

/// A person with 2FA on and a device remembered for it (its cookie).
async fn remembered(env: &TestEnv) -> (Person, String) {
    let p = person(env).await;
    two_factor_on(env, &p).await;
    let r = answered(env, &p, &Caller::default(), true).await;
    (p, device_cookie(&r))
}

/// Whether a login of `p` from `did` is challenged.
async fn challenged(env: &TestEnv, p: &Person, did: &str) -> bool {
    let r = users_login(env, p, PASSWORD, &from(did)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body["data"]["2faEnabled"] == true
}

#[tokio::test]
async fn a_remembered_device_skips_the_second_factor_not_the_password() {
    let env = env().await;
    let (p, did) = remembered(&env).await;
    let r = users_login(&env, &p, PASSWORD, &from(&did)).await;
    assert_eq!(r.body["data"]["2faEnabled"], false, "{:?}", r.body);
    let value = cookie(&r);
    let (record, _) = identity::session::resolve_value(&env.state.store, &value[4..])
        .await
        .unwrap();
    assert_eq!(record.amr, ["pwd"], "no second factor was given");
    let events = events_of(&env, &p.id).await;
    assert_eq!(
        newest(&events, "sign_in").detail["second_factor"],
        "remembered_device"
    );
    // Still remembered after that sign-in (it renews the device, not the 30 days).
    assert!(!challenged(&env, &p, &did).await);

    // Elsewhere, the second factor is due; the cookie is not a password.
    let r = users_login(&env, &p, PASSWORD, &Caller::default()).await;
    assert_eq!(r.body["data"]["2faEnabled"], true);
    let r = users_login(&env, &p, "wrong-pass", &from(&did)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{:?}", r.body);
    // Another account signing in on that device is challenged.
    let q = person(&env).await;
    two_factor_on(&env, &q).await;
    assert!(challenged(&env, &q, &did).await);
    // An answer without `remember` remembers nothing.
    let r = answered(&env, &q, &Caller::default(), false).await;
    assert!(challenged(&env, &q, &device_cookie(&r)).await);
}

#[tokio::test]
async fn signing_out_everywhere_forgets_it() {
    let env = env().await;
    let (p, did) = remembered(&env).await;
    let r = users_login(&env, &p, PASSWORD, &from(&did)).await;
    let sid = cookie(&r);
    let r = call(
        &env,
        Method::POST,
        "/user/logout-all",
        None,
        &[("cookie", &sid)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(challenged(&env, &p, &did).await);
}

#[tokio::test]
async fn a_new_password_forgets_it() {
    let env = env().await;
    let (p, did) = remembered(&env).await;
    let bearer_token = token(&env, &p, &[ADMIN_PROFILE_WRITE, PROFILE_READ]).await;
    let new = "Brand-new-Passw0rd!";
    let body = json!({ "password": new, "currentPassword": PASSWORD });
    let auth = bearer(&bearer_token);
    let r = call(
        &env,
        Method::PATCH,
        "/user/me",
        Some(body),
        &[("authorization", &auth)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = users_login(&env, &p, new, &from(&did)).await;
    assert_eq!(r.body["data"]["2faEnabled"], true, "{:?}", r.body);
}

#[tokio::test]
async fn two_factor_off_and_on_again_forgets_it() {
    let env = env().await;
    let (p, did) = remembered(&env).await;
    let id = UserId::parse(&p.id).unwrap();
    for on in [false, true] {
        let set = env.state.store.set_user_flag(&id, UserFlag::TwoFactor, on);
        assert!(set.await.unwrap());
    }
    assert!(challenged(&env, &p, &did).await);
}
