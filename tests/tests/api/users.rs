//! Users API, unauthenticated flows against the emulator: sign-up and
//! verification, login (cookie session, lockout, one identity with the
//! Accounts API), logout, password reset, and one-time codes (single use
//! under concurrency, rate limits). 2FA and the profile endpoints have
//! their own files.

use crate::users_support::*;
use http::{Method, StatusCode};
use platform_tests::{unique_name, TestEnv};
use serde_json::{json, Value};

#[tokio::test]
async fn create_verify_login_returns_the_documented_user_and_a_secure_cookie() {
    let env = env().await;
    let p = sign_up(&env).await;
    let mails = env.emails_to(&p.email).await;
    assert_eq!(mails.len(), 1);
    let code = code_in(&mails[0].1).unwrap();
    assert_eq!(code.len(), 23, "xxx-yyy-zzz-111-222-333 shape: {code}");
    // Only the code's hash is stored.
    assert!(!format!("{:?}", env.items().await).contains(&code.replace('-', "")));

    let r = env
        .post("/user/verify-email", json!({ "code": code }))
        .await;
    assert_eq!(
        (r.status, r.body.clone()),
        (StatusCode::OK, json!({"ok": 1}))
    );
    let r = login(&env, &p).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let set = r.headers["set-cookie"].to_str().unwrap();
    for flag in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(set.contains(flag), "{set}");
    }
    assert_eq!(r.body["ok"], 1);
    assert_eq!(r.body["data"]["2faEnabled"], false);
    let u = &r.body["data"]["user"];
    let keys: Vec<&str> = u.as_object().unwrap().keys().map(String::as_str).collect();
    for k in [
        "_id",
        "firstName",
        "middleName",
        "lastName",
        "gender",
        "username",
        "role",
        "bio",
        "designation",
        "profilePictureUrl",
        "pronouns",
        "verified",
        "verifiedDate",
        "customLink",
        "followingCount",
        "followerCount",
        "isPrivate",
        "isSubscribed",
        "subscriptionTier",
        "subscriptionExpiry",
        "isBanned",
        "isRestricted",
        "email",
        "phone",
        "customData",
    ] {
        assert!(keys.contains(&k), "missing {k}");
    }
    assert_eq!(u["_id"], p.id.as_str());
    assert_eq!(u["username"], p.username.as_str());
    assert_eq!(u["firstName"], "John");
    assert_eq!(u["middleName"], Value::Null);
    assert_eq!(u["role"], "ghost");
    assert_eq!(u["verified"], true);
    assert!(u["verifiedDate"].as_str().unwrap().ends_with('Z'));
    assert_eq!(u["followingCount"], 0);
    assert_eq!(u["isPrivate"], false);
    assert_eq!(u["email"], p.email.as_str());
    assert_eq!(u["phone"], "0000000000");
    assert_eq!(u["customData"], json!({}));
    // The session is live: the cookie works on a session endpoint.
    let c = cookie(&r);
    let r = call(&env, Method::POST, "/user/logout", None, &[("cookie", &c)]).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
}

#[tokio::test]
async fn unverified_accounts_cannot_log_in_and_codes_are_single_use() {
    let env = env().await;
    let p = sign_up(&env).await;
    let r = login(&env, &p).await;
    assert_error(&r, StatusCode::FORBIDDEN, "EmailNotVerified");
    assert!(r.headers.get("set-cookie").is_none());
    // A wrong password still gets the generic answer: no hint the account exists.
    let r = env
        .post(
            "/user/login",
            json!({"username": p.username, "password": "wrong-password", "userAgent": AGENT}),
        )
        .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "InvalidCredentials");

    let code = last_code(&env, &p.email).await;
    // Case and dashes do not matter; the second use does.
    let r = env
        .post(
            "/user/verify-email",
            json!([{ "code": code.to_uppercase() }]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let before = env.snapshot().await;
    let r = env
        .post("/user/verify-email", json!({ "code": code }))
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidCode");
    for bad in [json!("xxx-yyy-zzz-111-222-333"), json!("short"), json!(5)] {
        let r = env.post("/user/verify-email", json!({ "code": bad })).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {:?}", r.body);
    }
    assert_eq!(env.snapshot().await, before);
    assert_eq!(login(&env, &p).await.status, StatusCode::OK);
}

#[tokio::test]
async fn create_refuses_bad_input_and_writes_nothing() {
    let env = env().await;
    let before = env.snapshot().await;
    let good = sign_up_body("john_doe_1", "john_doe_1@example.com");
    let cases: Vec<(&str, Value)> = vec![
        ("username", Value::Null),
        ("username", json!("john_do")),
        ("username", json!("john doe_1")),
        ("username", json!("jöhn_doe_1")),
        ("username", json!("a".repeat(33))),
        ("username", json!(12345678)),
        ("firstName", Value::Null),
        ("firstName", json!("R2D2")),
        ("lastName", Value::Null),
        ("lastName", json!("")),
        ("email", Value::Null),
        ("email", json!("not-an-email")),
        ("password", Value::Null),
        ("password", json!("short")),
        ("password", json!("x".repeat(65))),
        ("phoneCountryCode", json!("44")),
        ("phoneCountryCode", json!("+12345")),
        ("phone", json!("555-1234")),
        ("phone", json!("1234567890123456")),
    ];
    for (field, value) in cases {
        let mut body = good.clone();
        if value.is_null() {
            body.as_object_mut().unwrap().remove(field);
        } else {
            body[field] = value.clone();
        }
        let r = env.post("/user/create", body).await;
        assert_error(&r, StatusCode::BAD_REQUEST, "InvalidInput");
        assert_eq!(
            r.error_field(),
            Some(field),
            "{field}={value}: {:?}",
            r.body
        );
    }
    // Half a phone is refused too.
    let mut body = good.clone();
    body.as_object_mut().unwrap().remove("phoneCountryCode");
    let r = env.post("/user/create", body).await;
    assert_eq!(r.error_field(), Some("phoneCountryCode"));
    for junk in ["", "{", "[1,2]", "\"x\""] {
        let req = http::Request::builder()
            .method(Method::POST)
            .uri("/user/create")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(junk))
            .unwrap();
        assert_eq!(
            env.send(req).await.status,
            StatusCode::BAD_REQUEST,
            "{junk}"
        );
    }
    assert_eq!(env.snapshot().await, before);
    assert!(env.emails_to("john_doe_1@example.com").await.is_empty());
}

#[tokio::test]
async fn a_taken_email_answers_like_a_success_and_tells_the_owner_a_taken_username_is_409() {
    let env = env().await;
    let p = verified(&env).await;
    let other = unique_name("someone_");
    let r = env
        .post(
            "/user/create",
            sign_up_body(&other, &p.email.to_uppercase()),
        )
        .await;
    assert_eq!(
        (r.status, r.body.clone()),
        (StatusCode::OK, json!({"ok": 1}))
    );
    assert!(env
        .state
        .store
        .username_owner(&other.to_lowercase())
        .await
        .unwrap()
        .is_none());
    // The notice goes to the address as typed (same mailbox).
    let mails = env.emails_to(&p.email.to_uppercase()).await;
    assert_eq!(mails.last().unwrap().0, "Sign-up attempt with your address");

    let before = env.snapshot().await;
    let r = env
        .post(
            "/user/create",
            sign_up_body(&p.username.to_uppercase(), &format!("{other}@example.com")),
        )
        .await;
    assert_error(&r, StatusCode::CONFLICT, "UsernameTaken");
    assert_eq!(r.error_field(), Some("username"));
    // Only the integer-id counter moved.
    let after = env.snapshot().await;
    assert_eq!(after.len(), before.len());
}

#[tokio::test]
async fn with_verification_off_accounts_are_verified_at_creation() {
    let env = env_with(|c| c.require_email_verification = false).await;
    let p = sign_up(&env).await;
    let u = user(&env, &p.id).await;
    assert!(u.email_verified && !u.verification_pending);
    assert_eq!(
        env.emails_to(&p.email).await.last().unwrap().0,
        "Welcome to Platform"
    );
    let r = login(&env, &p).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["data"]["user"]["verified"], true);
}

#[tokio::test]
async fn accounts_api_users_log_in_here_by_username_their_unverified_address_names_no_one() {
    let env = TestEnv::new(dev_server::app).await;
    let name = unique_name("acc");
    let r = env
        .post(
            "/api/v1/accounts/",
            json!({"username": name, "password": PASSWORD, "firstName": "Max",
                   "lastName": "Platz", "email": format!("{name}@innopolis.ru")}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["result"]["id"].as_str().unwrap().to_owned();
    let r = env
        .post(
            "/user/login",
            json!({"username": name, "password": PASSWORD, "userAgent": AGENT}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["data"]["user"]["_id"], id.as_str());
    assert_eq!(r.body["data"]["user"]["verified"], false);
    // The Accounts API never proved the address: it is a claim that names
    // no account (issue 18, gate_addresses.rs), so login by it is refused
    // like any unknown address.
    let r = env
        .post(
            "/user/login",
            json!({"email": format!("{}@INNOPOLIS.ru", name), "password": PASSWORD, "userAgent": AGENT}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{:?}", r.body);

    // And one created here is found by the Accounts API.
    let p = verified(&env).await;
    let token = env
        .post(
            "/api/v1/accounts/auth",
            json!({"username": p.username, "password": PASSWORD}),
        )
        .await;
    assert_eq!(token.status, StatusCode::OK, "{:?}", token.body);
    let t = token.body["result"]["token"].as_str().unwrap();
    let r = env
        .get(&format!(
            "/api/v1/accounts/{t}/exists?username={}",
            p.username
        ))
        .await;
    assert_eq!(r.body["result"], true, "{:?}", r.body);
}

#[tokio::test]
async fn login_refuses_bad_input_and_bad_credentials_alike() {
    let env = env().await;
    let p = verified(&env).await;
    for body in [
        json!({"username": p.username, "userAgent": AGENT}),
        json!({"username": p.username, "password": PASSWORD}),
        json!({"password": PASSWORD, "userAgent": AGENT}),
        json!({"username": p.username, "password": PASSWORD, "userAgent": ""}),
        json!({"username": p.username, "password": "x".repeat(1025), "userAgent": AGENT}),
    ] {
        let r = env.post("/user/login", body.clone()).await;
        assert_error(&r, StatusCode::BAD_REQUEST, "InvalidInput");
    }
    for body in [
        json!({"username": "nobody_here_at_all", "password": PASSWORD, "userAgent": AGENT}),
        json!({"username": "no such name!", "password": PASSWORD, "userAgent": AGENT}),
        json!({"email": "nobody@example.com", "password": PASSWORD, "userAgent": AGENT}),
        json!({"username": p.username, "password": "wrong-password", "userAgent": AGENT}),
    ] {
        let r = env.post("/user/login", body.clone()).await;
        assert_error(&r, StatusCode::UNAUTHORIZED, "InvalidCredentials");
        assert!(r.headers.get("set-cookie").is_none());
    }
}

#[tokio::test]
async fn repeated_failures_lock_the_account_with_the_same_answer_until_it_expires() {
    let env = env().await;
    let p = verified(&env).await;
    let wrong = json!({"username": p.username, "password": "wrong-password", "userAgent": AGENT});
    for _ in 0..5 {
        let r = env.post("/user/login", wrong.clone()).await;
        assert_error(&r, StatusCode::UNAUTHORIZED, "InvalidCredentials");
    }
    // Locked: the right password gets the wrong password's answer.
    let r = login(&env, &p).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "InvalidCredentials");
    assert!(user(&env, &p.id).await.locked_until.is_some());
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let r = login(&env, &p).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let u = user(&env, &p.id).await;
    assert_eq!((u.failed_logins, u.locked_until), (0, None));
}

#[tokio::test]
async fn logout_ends_the_session_and_logout_all_voids_every_session_at_once() {
    let env = env().await;
    let p = verified(&env).await;
    let (a, b) = (session(&env, &p).await, session(&env, &p).await);
    let r = call(&env, Method::POST, "/user/logout", None, &[("cookie", &a)]).await;
    assert_eq!(
        (r.status, r.body.clone()),
        (StatusCode::OK, json!({"ok": 1}))
    );
    assert!(r.headers["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let r = call(&env, Method::POST, "/user/logout", None, &[("cookie", &a)]).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "Unauthorized");
    let r = call(&env, Method::POST, "/user/logout", None, &[]).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "Unauthorized");

    // logout-all from session b kills session c and a bearer token too.
    let c = session(&env, &p).await;
    let token = token(&env, &p, &[domain::scopes::PROFILE_READ]).await;
    let auth = bearer(&token);
    let r = call(
        &env,
        Method::GET,
        "/user/me",
        None,
        &[("authorization", &auth)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = call(
        &env,
        Method::POST,
        "/user/logout-all",
        None,
        &[("cookie", &b)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    for cookie in [&b, &c] {
        let r = call(
            &env,
            Method::POST,
            "/user/logout",
            None,
            &[("cookie", cookie)],
        )
        .await;
        assert_error(&r, StatusCode::UNAUTHORIZED, "Unauthorized");
    }
    let r = call(
        &env,
        Method::GET,
        "/user/me",
        None,
        &[("authorization", &auth)],
    )
    .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "Unauthorized");
    // A new login works again.
    assert_eq!(login(&env, &p).await.status, StatusCode::OK);
}

#[tokio::test]
async fn logout_all_by_bearer_needs_profile_write() {
    let env = env().await;
    let p = verified(&env).await;
    let read = token(&env, &p, &[domain::scopes::PROFILE_READ]).await;
    let r = call(
        &env,
        Method::POST,
        "/user/logout-all",
        None,
        &[("authorization", &bearer(&read))],
    )
    .await;
    assert_error(&r, StatusCode::FORBIDDEN, "InsufficientScope");
    let write = token(&env, &p, &[domain::scopes::PROFILE_WRITE]).await;
    let r = call(
        &env,
        Method::POST,
        "/user/logout-all",
        None,
        &[("authorization", &bearer(&write))],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = call(
        &env,
        Method::POST,
        "/user/logout-all",
        None,
        &[("authorization", &bearer(&write))],
    )
    .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "Unauthorized");
}

#[tokio::test]
async fn reset_flow_answers_alike_for_unknown_addresses_changes_the_password_and_voids_sessions() {
    let env = env().await;
    let p = verified(&env).await;
    let old_session = session(&env, &p).await;
    let unknown = format!("{}@example.com", unique_name("ghost"));
    let r1 = env.get(&format!("/user/code?email={}", p.email)).await;
    let r2 = env.get(&format!("/user/code?email={unknown}")).await;
    assert_eq!(
        (r1.status, r1.body.clone()),
        (StatusCode::OK, json!({"ok": 1}))
    );
    assert_eq!((r2.status, r2.body.clone()), (r1.status, r1.body.clone()));
    // Both addresses get one email; only the owner's has a code.
    assert!(code_in(&env.emails_to(&unknown).await[0].1).is_none());
    let code = last_code(&env, &p.email).await;

    let before = env.snapshot().await;
    for body in [
        json!({"code": code}),
        json!({"password": "new_Passw0rd"}),
        json!({"code": code, "password": "short"}),
        json!({"code": "aaa-bbb-ccc-111-222-333", "password": "new_Passw0rd"}),
    ] {
        let r = env.post("/user/reset-password", body.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {:?}", r.body);
    }
    assert_eq!(env.snapshot().await, before);

    let r = env
        .post(
            "/user/reset-password",
            json!([{"code": code, "password": "new_Passw0rd"}]),
        )
        .await;
    assert_eq!(
        (r.status, r.body.clone()),
        (StatusCode::OK, json!({"ok": 1}))
    );
    assert!(
        r.headers.get("set-cookie").is_none(),
        "a reset does not log in"
    );
    assert_eq!(
        env.emails_to(&p.email).await.last().unwrap().0,
        "Your password was changed"
    );
    let r = env
        .post(
            "/user/reset-password",
            json!({"code": code, "password": "other_Passw0rd"}),
        )
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidCode");
    let r = call(
        &env,
        Method::POST,
        "/user/logout",
        None,
        &[("cookie", &old_session)],
    )
    .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "Unauthorized");
    assert_error(
        &login(&env, &p).await,
        StatusCode::UNAUTHORIZED,
        "InvalidCredentials",
    );
    let r = env
        .post(
            "/user/login",
            json!({"email": p.email, "password": "new_Passw0rd", "userAgent": AGENT}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
}

#[tokio::test]
async fn a_resend_replaces_the_old_code_and_sends_are_rate_limited_per_address() {
    let env = env().await;
    let p = verified(&env).await;
    assert_eq!(
        env.get(&format!("/user/code?email={}", p.email))
            .await
            .status,
        StatusCode::OK
    );
    let first = last_code(&env, &p.email).await;
    assert_eq!(
        env.get(&format!("/user/code?email={}", p.email))
            .await
            .status,
        StatusCode::OK
    );
    let second = last_code(&env, &p.email).await;
    assert_ne!(first, second);
    let r = env
        .post(
            "/user/reset-password",
            json!({"code": first, "password": "new_Passw0rd"}),
        )
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidCode");

    for _ in 0..3 {
        assert_eq!(
            env.get(&format!("/user/code?email={}", p.email))
                .await
                .status,
            StatusCode::OK
        );
    }
    let mails = env.emails_to(&p.email).await.len();
    let r = env
        .get(&format!("/user/code?email={}", p.email.to_uppercase()))
        .await;
    assert_error(&r, StatusCode::TOO_MANY_REQUESTS, "TooManyRequests");
    assert_eq!(env.emails_to(&p.email).await.len(), mails);
    // Unknown addresses are limited the same way.
    let unknown = format!("{}@example.com", unique_name("ghost"));
    for _ in 0..5 {
        assert_eq!(
            env.get(&format!("/user/code?email={unknown}")).await.status,
            StatusCode::OK
        );
    }
    assert_eq!(
        env.get(&format!("/user/code?email={unknown}")).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    let r = env.get("/user/code?email=not-an-email").await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidInput");
    assert_eq!(r.error_field(), Some("email"));
    let r = env.get("/user/code").await;
    assert_eq!(r.error_field(), Some("email"));
}

#[tokio::test]
async fn one_code_redeemed_by_ten_concurrent_callers_succeeds_exactly_once() {
    let env = env().await;
    let p = sign_up(&env).await;
    let code = last_code(&env, &p.email).await;
    let calls = (0..10).map(|_| env.post("/user/verify-email", json!({ "code": code })));
    let replies = futures::future::join_all(calls).await;
    let wins = replies
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert_eq!(
        wins,
        1,
        "{:?}",
        replies
            .iter()
            .map(|r| (r.status, r.body.clone()))
            .collect::<Vec<_>>()
    );
    for r in replies.iter().filter(|r| r.status != StatusCode::OK) {
        assert_error(r, StatusCode::BAD_REQUEST, "InvalidCode");
    }

    // The same for a reset code, with its password write.
    env.get(&format!("/user/code?email={}", p.email)).await;
    let code = last_code(&env, &p.email).await;
    let calls = (0..10).map(|i| {
        env.post(
            "/user/reset-password",
            json!({ "code": code, "password": format!("new_Passw0rd{i}") }),
        )
    });
    let replies = futures::future::join_all(calls).await;
    assert_eq!(
        replies
            .iter()
            .filter(|r| r.status == StatusCode::OK)
            .count(),
        1
    );
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_in_the_envelope() {
    let env = env().await;
    let r = env.get("/user/nothing/here").await;
    assert_error(&r, StatusCode::NOT_FOUND, "NoRoute");
    let r = env.put("/user/login", json!({})).await;
    assert_error(&r, StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed");
}
