//! Issue 18, finding 1: an account's protections hold on every surface.
//! `POST /api/v1/accounts/auth` used to issue a working token for an
//! account with 2FA on and for a sign-up that never verified its address;
//! every door now goes through `identity::gate`.

use crate::audit_support::{events_of, kinds, without_events};
use crate::gate_support::*;
use crate::users_support::{last_code, PASSWORD};
use domain::totp::totp_at;
use http::{Method, StatusCode};
use platform_tests::TestEnv;
use serde_json::json;

async fn token_works(env: &TestEnv, token: &str) -> bool {
    env.get(&format!("/api/v1/accounts/{token}")).await.status == StatusCode::OK
}

#[tokio::test]
async fn the_accounts_api_asks_for_an_emailed_second_factor_and_takes_it_inline() {
    let env = env().await;
    let p = person(&env).await;
    two_factor_on(&env, &p).await;
    let anon = Caller::default();
    let r = accounts_auth(&env, &p.username, PASSWORD, json!({}), &anon).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{:?}", r.body);
    assert_eq!(r.body["error"]["code"], "second_factor_required");
    assert_eq!(r.body["error"]["method"], "email");
    assert_eq!(items_with(&env, "TOKEN#").await, 0, "no token was issued");
    let challenge = r.body["error"]["challenge"].as_str().unwrap().to_owned();
    let code = last_code(&env, &p.email).await;
    // A wrong code, then the right one; then the same one again.
    let wrong = json!({"challenge": challenge, "code": "000000"});
    let r = accounts_auth(&env, &p.username, PASSWORD, wrong, &anon).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
    assert_eq!(r.body["error"]["code"], "invalid_code");
    let right = json!({"challenge": challenge, "code": code});
    let r = accounts_auth(&env, &p.username, PASSWORD, right.clone(), &anon).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let token = r.body["result"]["token"].as_str().unwrap();
    assert!(token_works(&env, token).await);
    let r = accounts_auth(&env, &p.username, PASSWORD, right, &anon).await;
    assert_eq!(r.body["error"]["code"], "invalid_code", "single use");
    // The code alone is not the password.
    let r = accounts_auth(
        &env,
        &p.username,
        "wrong-pass",
        json!({"code": "123456"}),
        &anon,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.body["error"]["code"], "invalid_credentials");
}

#[tokio::test]
async fn the_accounts_api_takes_an_authenticator_or_recovery_code_inline() {
    let env = env().await;
    let p = person(&env).await;
    let (secret, recovery) = crate::users_totp::enrol(&env, &p).await;
    let anon = Caller::default();
    let r = accounts_auth(&env, &p.username, PASSWORD, json!({}), &anon).await;
    assert_eq!(r.body["error"]["code"], "second_factor_required");
    assert_eq!(r.body["error"]["method"], "totp");
    let now = domain::time::now_secs();
    let code = totp_at(secret.bytes(), now + 30);
    let r = accounts_auth(&env, &p.username, PASSWORD, json!({"code": code}), &anon).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(token_works(&env, r.body["result"]["token"].as_str().unwrap()).await);
    // The same step again is spent.
    let r = accounts_auth(&env, &p.username, PASSWORD, json!({"code": code}), &anon).await;
    assert_eq!(r.body["error"]["code"], "invalid_code");
    let r = accounts_auth(
        &env,
        &p.username,
        PASSWORD,
        json!({"code": recovery[0]}),
        &anon,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = accounts_auth(
        &env,
        &p.username,
        PASSWORD,
        json!({"code": recovery[0]}),
        &anon,
    )
    .await;
    assert_eq!(
        r.body["error"]["code"], "invalid_code",
        "a recovery code works once"
    );
    let r = accounts_auth(
        &env,
        &p.username,
        PASSWORD,
        json!({"code": "not-a-code"}),
        &anon,
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["error"]["field"], "code");
}

#[tokio::test]
async fn a_sign_up_that_never_verified_its_address_signs_in_nowhere() {
    let env = env().await;
    let p = unverified(&env).await;
    let before = without_events(env.snapshot().await);
    let anon = Caller::default();
    let r = accounts_auth(&env, &p.username, PASSWORD, json!({}), &anon).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{:?}", r.body);
    assert_eq!(r.body["error"]["code"], "email_not_verified");
    let r = users_login(&env, &p, PASSWORD, &anon).await;
    assert_eq!(
        (r.status, &r.body["code"]),
        (StatusCode::FORBIDDEN, &json!("EmailNotVerified"))
    );
    let r = app_login(&env, &p.username, PASSWORD, &anon).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(
        without_events(env.snapshot().await),
        before,
        "nothing issued, nothing counted"
    );
    // Only the account's log heard of each refusal.
    let events = events_of(&env, &p.id).await;
    assert_eq!(kinds(&events), ["sign_in_failed"; 3]);
    assert!(events.iter().all(|e| e.detail["reason"] == "unverified"));
    // The backend's credential check says the same, in its own words.
    let key = crate::app_support::full_key(&env).await;
    let r = crate::app_support::form(
        &env,
        "/api/check/validate/",
        &format!("username={}&password={PASSWORD}", p.username),
        crate::app_support::with_key(&key),
    )
    .await;
    assert_eq!(r.body, json!({"is_valid": false, "user_id": null}));
}

#[tokio::test]
async fn the_app_login_asks_for_the_second_factor_too() {
    let env = env().await;
    let p = person(&env).await;
    two_factor_on(&env, &p).await;
    let r = app_login(&env, &p.username, PASSWORD, &Caller::default()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["status"], "2fa_required");
    assert!(
        r.headers.get("set-cookie").is_none(),
        "no session before the code"
    );
    let hash = r.body["session_hash"].as_str().unwrap();
    let code = last_code(&env, &p.email).await;
    let r = send(
        &env,
        Method::POST,
        "/user/do-2fa",
        Some(json!({"target": p.id, "code": code, "sessionHash": hash})),
        &Caller::default(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let cookies = set_cookies(&r);
    assert!(cookies.iter().any(|c| c.starts_with("sid=")), "{cookies:?}");
    assert!(cookies.iter().any(|c| c.starts_with("did=")), "{cookies:?}");
}

/// The surfaces cannot call the writes that complete a sign-in: clippy
/// forbids them under functions/ (functions/clippy.toml), and nothing
/// there may switch that off.
#[test]
fn no_surface_silences_the_gatekeeper_lint() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../functions");
    let config = std::fs::read_to_string(root.join("clippy.toml")).unwrap();
    for method in [
        "complete_login",
        "redeem_code",
        "put_token",
        "identity::issue",
    ] {
        assert!(config.contains(method), "{method} is not disallowed");
    }
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                assert!(
                    !text.contains("disallowed_methods"),
                    "{} silences the gatekeeper lint",
                    path.display()
                );
            }
        }
    }
}

/// An authenticator code given inline has no challenge's five attempts:
/// every inline guess counts against the account's challenge budget.
#[tokio::test]
async fn inline_authenticator_guesses_are_budgeted() {
    let env = env().await;
    let p = person(&env).await;
    crate::users_totp::enrol(&env, &p).await;
    let anon = Caller::default();
    let max = domain::codes::TWO_FACTOR_SEND_LIMIT.max;
    for _ in 0..max {
        let r = accounts_auth(
            &env,
            &p.username,
            PASSWORD,
            json!({"code": "000000"}),
            &anon,
        )
        .await;
        assert_eq!(r.body["error"]["code"], "invalid_code", "{:?}", r.body);
    }
    let r = accounts_auth(
        &env,
        &p.username,
        PASSWORD,
        json!({"code": "000000"}),
        &anon,
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{:?}", r.body);
    assert!(r.headers.contains_key("retry-after"));
}
