//! Users API two-factor login against the emulator: turning it on and off
//! (password again, an email each time), login answering a challenge,
//! `do-2fa` with the emailed code, attempts, replacement and single use.

use crate::audit_support::without_events;
use crate::users_support::*;
use http::{Method, StatusCode};
use serde_json::json;

async fn set_2fa(
    env: &platform_tests::TestEnv,
    cookie: &str,
    on: bool,
    password: &str,
) -> platform_tests::Reply {
    let path = if on {
        "/user/2fa/enable"
    } else {
        "/user/2fa/disable"
    };
    call(
        env,
        Method::POST,
        path,
        Some(json!({ "password": password })),
        &[("cookie", cookie)],
    )
    .await
}

#[tokio::test]
async fn two_factor_login_flow() {
    let env = env().await;
    let p = verified(&env).await;
    let c = session(&env, &p).await;

    // Turning it on needs the password again.
    let before = without_events(env.snapshot().await);
    let r = set_2fa(&env, &c, true, "wrong-password").await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "InvalidCredentials");
    let r = call(
        &env,
        Method::POST,
        "/user/2fa/enable",
        Some(json!({})),
        &[("cookie", &c)],
    )
    .await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidInput");
    let r = call(
        &env,
        Method::POST,
        "/user/2fa/enable",
        Some(json!({"password": PASSWORD})),
        &[],
    )
    .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "Unauthorized");
    // (The wrong password is also in the account's security log.)
    let after = without_events(env.snapshot().await);
    assert_eq!(
        after.len(),
        before.len(),
        "only the failure counter may change"
    );

    let r = set_2fa(&env, &c, true, PASSWORD).await;
    assert_eq!(
        (r.status, r.body.clone()),
        (StatusCode::OK, json!({"ok": 1}))
    );
    assert!(user(&env, &p.id).await.two_factor_enabled);
    assert_eq!(
        env.emails_to(&p.email).await.last().unwrap().0,
        "Two-factor authentication turned on"
    );

    // Login now answers a challenge and no cookie.
    let r = login(&env, &p).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(r.headers.get("set-cookie").is_none());
    let data = &r.body["data"];
    assert_eq!(data["2faEnabled"], true);
    assert_eq!(
        data["user"],
        json!({"_id": p.id, "username": p.username, "email": p.email})
    );
    let hash = data["sessionHash"].as_str().unwrap().to_owned();
    assert_eq!(hash.len(), 36);
    let code = last_code(&env, &p.email).await;
    assert_eq!(code.len(), 6);

    // Bad inputs are 400s that write nothing.
    let before = env.snapshot().await;
    for body in [
        json!({"code": code, "sessionHash": hash}),
        json!({"target": "nope", "code": code, "sessionHash": hash}),
        json!({"target": p.id, "sessionHash": hash}),
        json!({"target": p.id, "code": "12ab", "sessionHash": hash}),
        json!({"target": p.id, "code": code}),
        json!({"target": p.id, "code": code, "sessionHash": "not-a-hash"}),
    ] {
        let r = env.post("/user/do-2fa", body.clone()).await;
        assert_error(&r, StatusCode::BAD_REQUEST, "InvalidInput");
    }
    assert_eq!(env.snapshot().await, before);
    // The right code with another login's hash fails.
    let other = "0f4e1ea6-9f2f-4239-96ec-64cbfc7e4815";
    let r = env
        .post(
            "/user/do-2fa",
            json!({"target": p.id, "code": code, "sessionHash": other}),
        )
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidCode");

    // One-element array body, the code as a number when it has no leading zero.
    let code_value = if code.starts_with('0') {
        json!(code)
    } else {
        json!(code.parse::<u64>().unwrap())
    };
    let r = env
        .post(
            "/user/do-2fa",
            json!([{"target": p.id, "code": code_value, "sessionHash": hash}]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["data"]["user"]["_id"], p.id.as_str());
    assert_eq!(r.body["data"]["user"]["email"], p.email.as_str());
    let c2 = cookie(&r);
    let r = call(&env, Method::POST, "/user/logout", None, &[("cookie", &c2)]).await;
    assert_eq!(r.status, StatusCode::OK);
    // Single use.
    let r = env
        .post(
            "/user/do-2fa",
            json!({"target": p.id, "code": code, "sessionHash": hash}),
        )
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidCode");

    // Off again, with the password and an email.
    let r = set_2fa(&env, &c, false, PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        env.emails_to(&p.email).await.last().unwrap().0,
        "Two-factor authentication turned off"
    );
    let r = login(&env, &p).await;
    assert_eq!(r.body["data"]["2faEnabled"], false);
}

#[tokio::test]
async fn five_wrong_codes_end_the_challenge_and_a_new_login_replaces_the_code() {
    let env = env().await;
    let p = verified(&env).await;
    let c = session(&env, &p).await;
    assert_eq!(
        set_2fa(&env, &c, true, PASSWORD).await.status,
        StatusCode::OK
    );

    let first = login(&env, &p).await.body["data"]["sessionHash"]
        .as_str()
        .unwrap()
        .to_owned();
    let first_code = last_code(&env, &p.email).await;
    // A new login: the first challenge and its code are dead.
    let hash = login(&env, &p).await.body["data"]["sessionHash"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = last_code(&env, &p.email).await;
    let r = env
        .post(
            "/user/do-2fa",
            json!({"target": p.id, "code": first_code, "sessionHash": first}),
        )
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidCode");

    let wrong = if code == "000000" { "000001" } else { "000000" };
    for _ in 0..5 {
        let r = env
            .post(
                "/user/do-2fa",
                json!({"target": p.id, "code": wrong, "sessionHash": hash}),
            )
            .await;
        assert_error(&r, StatusCode::BAD_REQUEST, "InvalidCode");
    }
    let r = env
        .post(
            "/user/do-2fa",
            json!({"target": p.id, "code": code, "sessionHash": hash}),
        )
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidCode");
}

#[tokio::test]
async fn one_2fa_code_redeemed_by_ten_concurrent_callers_issues_one_session() {
    let env = env().await;
    let p = verified(&env).await;
    let c = session(&env, &p).await;
    assert_eq!(
        set_2fa(&env, &c, true, PASSWORD).await.status,
        StatusCode::OK
    );
    let hash = login(&env, &p).await.body["data"]["sessionHash"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = last_code(&env, &p.email).await;
    let body = json!({"target": p.id, "code": code, "sessionHash": hash});
    let replies =
        futures::future::join_all((0..10).map(|_| env.post("/user/do-2fa", body.clone()))).await;
    let wins: Vec<_> = replies
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .collect();
    assert_eq!(wins.len(), 1);
    assert!(wins[0].headers.get("set-cookie").is_some());
}

#[tokio::test]
async fn two_factor_can_be_set_with_a_bearer_token_holding_profile_write() {
    let env = env().await;
    let p = verified(&env).await;
    let read = token(&env, &p, &[domain::scopes::PROFILE_READ]).await;
    let body = Some(json!({"password": PASSWORD}));
    let r = call(
        &env,
        Method::POST,
        "/user/2fa/enable",
        body.clone(),
        &[("authorization", &bearer(&read))],
    )
    .await;
    assert_error(&r, StatusCode::FORBIDDEN, "InsufficientScope");
    let write = token(&env, &p, &[domain::scopes::PROFILE_WRITE]).await;
    let r = call(
        &env,
        Method::POST,
        "/user/2fa/enable",
        body,
        &[("authorization", &bearer(&write))],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(user(&env, &p.id).await.two_factor_enabled);
}
