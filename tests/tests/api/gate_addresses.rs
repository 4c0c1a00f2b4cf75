//! Issue 18, findings 5 and 6: who is registered is revealed only where a
//! document exists to answer it, and an unverified claim on an address
//! never blocks its verified owner. The Accounts API used to answer 409
//! `email_taken` (15 of 15, no limit) and App register "The email is
//! already registered"; accounts made there with anyone's address signed
//! in on `/user/login`, and the real owner's `/user/create` then silently
//! created nothing.

use crate::gate_support::*;
use crate::users_support::{last_code, PASSWORD};
use http::{Method, StatusCode};
use platform_tests::{unique_name, TestEnv};
use serde_json::json;

async fn app_register(env: &TestEnv, email: &str) -> (StatusCode, serde_json::Value) {
    let name = unique_name("app_");
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("username", name.as_str()),
            ("email", email),
            ("password", PASSWORD),
            ("first_name", "Ann"),
            ("last_name", "Lee"),
            ("country", "1"),
            ("city", "1"),
        ])
        .finish();
    let r = crate::app_support::form(
        env,
        "/api/action/register/",
        &body,
        crate::app_support::As::default(),
    )
    .await;
    (r.status, r.body)
}

#[tokio::test]
async fn signing_up_with_an_owned_address_reveals_nothing_and_tells_its_owner() {
    let env = env().await;
    let owner = person(&env).await;
    let mails = env.emails_to(&owner.email).await.len();
    // The Accounts API and App register answer as for any address.
    accounts_account(&env, &owner.email.to_uppercase()).await;
    let (status, body) = app_register(&env, &owner.email).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["status"], "success");
    // The Users API creates nothing, and says so in the same words.
    let (name, body) = users_sign_up(&owner.email);
    let r = env.post("/user/create", body).await;
    assert_eq!((r.status, r.body), (StatusCode::OK, json!({"ok": 1})));
    assert!(env
        .state
        .store
        .username_owner(&name.to_lowercase())
        .await
        .unwrap()
        .is_none());
    // The owner heard of each, within the address's notice budget.
    let notices: Vec<_> = env.emails_to(&owner.email).await[mails..]
        .iter()
        .filter(|(subject, _)| subject == "Sign-up attempt with your address")
        .cloned()
        .collect();
    assert_eq!(notices.len(), 3, "{notices:?}");
    let (_, body) = users_sign_up(&owner.email);
    env.post("/user/create", body).await;
    let later = env.emails_to(&owner.email).await.len();
    assert_eq!(later, mails + 3, "a fourth notice in the hour is not sent");
}

#[tokio::test]
async fn an_unverified_claim_never_blocks_the_verified_owner() {
    let env = env().await;
    let address = format!("{}@example.com", unique_name("real"));
    // Two squatters claim the address, unverified.
    let squatter = accounts_account(&env, &address).await;
    let (status, _) = app_register(&env, &address).await;
    assert_eq!(status, StatusCode::CREATED);
    // The address names neither: no login by it, no reset code to them.
    let r = post(
        &env,
        "/user/login",
        json!({"email": address, "password": PASSWORD, "userAgent": "x"}),
        &Caller::default(),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{:?}", r.body);
    // The real owner signs up, verifies, and owns it.
    let (owner, body) = users_sign_up(&address);
    let r = env.post("/user/create", body).await;
    assert_eq!(r.status, StatusCode::OK);
    let code = last_code(&env, &address).await;
    let r = env
        .post("/user/verify-email", json!({ "code": code }))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = post(
        &env,
        "/user/login",
        json!({"email": address.to_uppercase(), "password": PASSWORD, "userAgent": "x"}),
        &Caller::default(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["data"]["user"]["username"], owner.as_str());
    // A reset code goes to the owner's account, not a squatter's.
    let uri = format!(
        "/user/code?email={}",
        url::form_urlencoded::byte_serialize(address.as_bytes()).collect::<String>()
    );
    send(&env, Method::GET, &uri, None, &Caller::default()).await;
    let reset = last_code(&env, &address).await;
    let r = env
        .post(
            "/user/reset-password",
            json!({"code": reset, "password": "Owner's-new-passw0rd"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = accounts_auth(
        &env,
        &owner,
        "Owner's-new-passw0rd",
        json!({}),
        &Caller::default(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "the owner's password changed");
    let r = accounts_auth(&env, &squatter, PASSWORD, json!({}), &Caller::default()).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "the squatter's account is untouched"
    );
}

#[tokio::test]
async fn two_verifications_of_one_address_leave_one_owner() {
    let env = env().await;
    let address = format!("{}@example.com", unique_name("twice"));
    let mut codes = Vec::new();
    for _ in 0..2 {
        let (_, body) = users_sign_up(&address);
        env.post("/user/create", body).await;
        codes.push(last_code(&env, &address).await);
    }
    let answers = futures::future::join_all(
        codes
            .iter()
            .map(|c| env.post("/user/verify-email", json!({ "code": c }))),
    )
    .await;
    let ok = answers
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert_eq!(
        ok,
        1,
        "{:?}",
        answers.iter().map(|r| &r.body).collect::<Vec<_>>()
    );
    let owner = env
        .state
        .store
        .email_owner(&address)
        .await
        .unwrap()
        .expect("one owner");
    let u = env.state.store.get_user(&owner).await.unwrap().unwrap();
    assert!(u.email_verified);
}
