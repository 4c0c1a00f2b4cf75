//! Every other kind of security event appears after the real action
//! through the real surface: 2FA on and off (emailed codes and TOTP), a
//! second-factor sign-in and a wrong code, a password change and reset,
//! an email change, one session and every session ended, a network
//! unlinked, and the admin actions of a moderator and of an app's backend.

use crate::audit_support::*;
use crate::gate_support::{env, person};
use crate::users_support::{cookie, last_code, user, Person, PASSWORD};
use domain::audit::Actor;
use http::{Method, StatusCode};
use platform_tests::{Reply, TestEnv};
use serde_json::{json, Value};

async fn call(env: &TestEnv, method: Method, uri: &str, body: Option<Value>, sid: &str) -> Reply {
    // A cookie session, or an `Authorization` header's value.
    let header = match sid.starts_with("Bearer ") {
        true => ("authorization", sid),
        false => ("cookie", sid),
    };
    let r = from_client(env, method, uri, body, &[header]).await;
    assert_eq!(r.status, StatusCode::OK, "{uri}: {:?}", r.body);
    r
}

async fn sign_in(env: &TestEnv, p: &Person) -> Reply {
    let body = json!({"username": p.username, "password": PASSWORD, "userAgent": UA});
    from_client(env, Method::POST, "/user/login", Some(body), &[]).await
}

async fn session(env: &TestEnv, p: &Person) -> String {
    let r = sign_in(env, p).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    cookie(&r)
}

/// `PATCH /user/me` takes a bearer token with `admin:profile:write`.
async fn writer(env: &TestEnv, p: &Person) -> String {
    let scopes = [domain::scopes::ADMIN_PROFILE_WRITE];
    crate::users_support::bearer(&crate::users_support::token(env, p, &scopes).await)
}

/// The newest event of `kind` of `p`, made from [`IP`] by the user.
async fn by_user(env: &TestEnv, p: &Person, kind: &str) -> table::AuditRecord {
    let events = events_of(env, &p.id).await;
    let e = newest(&events, kind).clone();
    assert_eq!(e.actor, Actor::User, "{e:?}");
    assert_eq!(e.ip.as_deref(), Some(IP), "{e:?}");
    assert_eq!(e.user_agent.as_deref(), Some(UA), "{e:?}");
    e
}

#[tokio::test]
async fn emailed_second_factor_on_a_code_sign_in_a_wrong_code_and_off() {
    let env = env().await;
    let p = person(&env).await;
    let sid = session(&env, &p).await;
    let pw = json!({ "password": PASSWORD });
    call(
        &env,
        Method::POST,
        "/user/2fa/enable",
        Some(pw.clone()),
        &sid,
    )
    .await;
    by_user(&env, &p, "email_two_factor_enabled").await;

    let r = sign_in(&env, &p).await;
    let hash = r.body["data"]["sessionHash"].as_str().unwrap().to_owned();
    let code = last_code(&env, &p.email).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let answer = |code: &str| json!({"target": p.id, "code": code, "sessionHash": hash});
    let r = from_client(&env, Method::POST, "/user/do-2fa", Some(answer(wrong)), &[]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
    let failed = by_user(&env, &p, "sign_in_failed").await;
    assert_eq!(failed.detail["reason"], "wrong_code");
    let r = from_client(&env, Method::POST, "/user/do-2fa", Some(answer(&code)), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let signed = by_user(&env, &p, "sign_in").await;
    assert_eq!(signed.detail["second_factor"], "email_code");
    assert_eq!(signed.detail["method"], "password");

    call(&env, Method::POST, "/user/2fa/disable", Some(pw), &sid).await;
    by_user(&env, &p, "two_factor_disabled").await;
}

#[tokio::test]
async fn totp_enrolment_is_logged() {
    let env = env().await;
    let p = person(&env).await;
    let sid = session(&env, &p).await;
    let pw = json!({ "password": PASSWORD });
    let r = call(&env, Method::POST, "/user/2fa/totp/setup", Some(pw), &sid).await;
    let secret = domain::totp::TotpSecret::parse(r.body["data"]["secret"].as_str().unwrap());
    let now = domain::time::now_secs();
    let code = domain::totp::totp_at(secret.unwrap().bytes(), now);
    let body = json!({ "code": code });
    call(
        &env,
        Method::POST,
        "/user/2fa/totp/confirm",
        Some(body),
        &sid,
    )
    .await;
    let e = by_user(&env, &p, "totp_enabled").await;
    assert!(!format!("{e:?}").contains(&code));
}

#[tokio::test]
async fn password_change_and_reset_are_logged() {
    let env = env().await;
    let p = person(&env).await;
    let sid = writer(&env, &p).await;
    let new = "An0ther$ecurePassword";
    let body = json!({"password": new, "currentPassword": PASSWORD});
    call(&env, Method::PATCH, "/user/me", Some(body), &sid).await;
    let e = by_user(&env, &p, "password_changed").await;
    assert!(!format!("{e:?}").contains(new));

    let uri = format!("/user/code?email={}", p.email);
    let r = from_client(&env, Method::GET, &uri, None, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let code = last_code(&env, &p.email).await;
    let body = json!({"code": code, "password": PASSWORD});
    let r = from_client(&env, Method::POST, "/user/reset-password", Some(body), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let e = by_user(&env, &p, "password_reset").await;
    assert!(!format!("{e:?}").contains(&code));
}

#[tokio::test]
async fn an_email_change_is_logged_when_proven() {
    let env = env().await;
    let p = person(&env).await;
    let sid = writer(&env, &p).await;
    let address = format!("new-{}", p.email);
    call(
        &env,
        Method::PATCH,
        "/user/me",
        Some(json!({ "email": address })),
        &sid,
    )
    .await;
    let kinds_before = kinds(&events_of(&env, &p.id).await).len();
    let code = last_code(&env, &address).await;
    let body = json!({ "code": code });
    let r = from_client(&env, Method::POST, "/user/verify-email", Some(body), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(events_of(&env, &p.id).await.len(), kinds_before + 1);
    by_user(&env, &p, "email_changed").await;
}

#[tokio::test]
async fn ending_one_session_and_every_session_is_logged() {
    let env = env().await;
    let p = person(&env).await;
    let (one, two) = (session(&env, &p).await, session(&env, &p).await);
    let r = call(&env, Method::GET, "/user/sessions", None, &one).await;
    let other = r.body["data"]["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    call(
        &env,
        Method::DELETE,
        &format!("/user/sessions/{other}"),
        None,
        &one,
    )
    .await;
    let e = by_user(&env, &p, "session_revoked").await;
    assert_eq!(e.detail["session_kind"], "session");
    assert!(!format!("{e:?}").contains(&other));
    let _ = two;
    call(&env, Method::POST, "/user/logout-all", None, &one).await;
    by_user(&env, &p, "sessions_revoked_all").await;
}

#[tokio::test]
async fn a_moderators_role_change_names_the_moderator() {
    let env = env().await;
    let moderator = crate::accounts::with_role(&env, domain::Role::Moderator).await;
    let target = crate::accounts::with_role(&env, domain::Role::Ghost).await;
    let uri = format!("/api/v1/accounts/{}/updateRole", moderator.token);
    let body = json!({"accountId": target.id, "newRole": "student"});
    let r = from_client(&env, Method::PUT, &uri, Some(body), &[]).await;
    assert_eq!(r.body, json!({"status": "ok"}));
    let events = events_of(&env, &target.id).await;
    let e = newest(&events, "role_changed");
    let moderator_id = domain::UserId::parse(&moderator.id).unwrap();
    assert_eq!(e.actor, Actor::Moderator(moderator_id));
    assert_eq!(e.detail["role"], "student");
}

#[tokio::test]
async fn an_apps_ban_unban_and_force_logout_are_logged() {
    let env = env().await;
    let p = person(&env).await;
    let seq = user(&env, &p.id).await.seq;
    let key = crate::app_support::full_key(&env).await;
    let form = |path: &'static str, body: String| {
        let (env, key) = (&env, key.clone());
        async move {
            let who = crate::app_support::with_key(&key);
            let r = crate::app_support::form(env, path, &body, who).await;
            assert_eq!(r.status, StatusCode::OK, "{path}: {:?}", r.body);
        }
    };
    let ban = "/api/user/status/ban/";
    form(ban, format!("user_id={seq}&banned=true&reason=spam")).await;
    form(ban, format!("user_id={seq}&banned=false")).await;
    form("/api/user/force-logout/", format!("user_id={seq}")).await;
    let events = events_of(&env, &p.id).await;
    assert_eq!(
        kinds(&events)[..3],
        ["sessions_revoked_all", "unbanned", "banned"]
    );
    assert!(events[..3].iter().all(|e| e.actor == Actor::App));
    // The moderator's words stay on the user item, out of the log.
    assert!(!format!("{events:?}").contains("spam"));
}
