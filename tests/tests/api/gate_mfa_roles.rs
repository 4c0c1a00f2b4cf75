//! Operator-required MFA for roles (`MFA_REQUIRED_ROLES`): an account of
//! such a role answers a second factor on every sign-in path, 2FA on or
//! not (an emailed code when it has no TOTP), decided by the gate from the
//! account's state: the Users API's login, the Accounts API's auth, a
//! social network's sign-in.

use crate::gate_support::*;
use crate::users_support::{last_code, login, Person, PASSWORD};
use domain::{Role, UserId};
use http::StatusCode;
use identity::gate::{sign_in_by_network, Attempt, Issue, SignedIn};
use platform_tests::TestEnv;
use serde_json::json;

/// Every surface (the dev server), with MFA required of moderators.
async fn moderators_need_mfa() -> TestEnv {
    let mut env = env().await;
    let mut config = (*env.state.config).clone();
    config.mfa_required_roles = vec!["moderator".into()];
    env.state.config = std::sync::Arc::new(config);
    env.app = dev_server::app(env.state.clone());
    env
}

async fn moderator(env: &TestEnv) -> Person {
    let p = person(env).await;
    let id = UserId::parse(&p.id).unwrap();
    env.state
        .store
        .set_role(&id, Role::Moderator, None)
        .await
        .unwrap();
    p
}

#[tokio::test]
async fn a_moderator_without_2fa_answers_an_emailed_code_at_users_login() {
    let env = moderators_need_mfa().await;
    let p = moderator(&env).await;
    let r = login(&env, &p).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["data"]["2faEnabled"], true, "{:?}", r.body);
    assert!(r.headers.get("set-cookie").is_none());
    let hash = r.body["data"]["sessionHash"].as_str().unwrap();
    let code = last_code(&env, &p.email).await;
    let body = json!({ "target": p.id, "code": code, "sessionHash": hash });
    let r = env.post("/user/do-2fa", body).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let sid = crate::users_support::cookie(&r);
    let value = sid.split_once('=').unwrap().1;
    let (record, _) = identity::session::resolve_value(&env.state.store, value)
        .await
        .unwrap();
    assert_eq!(record.amr, ["pwd", "otp", "mfa"]);

    // Anyone else signs in as before.
    let student = person(&env).await;
    let r = login(&env, &student).await;
    assert_eq!(r.body["data"]["2faEnabled"], false, "{:?}", r.body);
}

#[tokio::test]
async fn the_accounts_api_and_a_network_sign_in_require_it_too() {
    let env = moderators_need_mfa().await;
    let p = moderator(&env).await;
    let anon = Caller::default();
    let r = accounts_auth(&env, &p.username, PASSWORD, json!({}), &anon).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{:?}", r.body);
    assert_eq!(r.body["error"]["code"], "second_factor_required");
    assert_eq!(r.body["error"]["method"], "email");
    let challenge = r.body["error"]["challenge"].as_str().unwrap().to_owned();
    let code = last_code(&env, &p.email).await;
    let right = json!({ "challenge": challenge, "code": code });
    let r = accounts_auth(&env, &p.username, PASSWORD, right, &anon).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);

    let id = UserId::parse(&p.id).unwrap();
    let attempt = Attempt::default();
    let signed = sign_in_by_network(&env.state, &attempt, &id, Issue::Session);
    assert!(matches!(signed.await.unwrap(), SignedIn::Challenge { .. }));
}

#[tokio::test]
async fn without_the_setting_a_moderator_signs_in_with_the_password() {
    let env = env().await;
    let p = moderator(&env).await;
    let r = login(&env, &p).await;
    assert_eq!(r.body["data"]["2faEnabled"], false, "{:?}", r.body);
}
