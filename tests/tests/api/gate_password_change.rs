//! Issue 18, finding 7: `PATCH /user/me {"password": …}` with an
//! `admin:profile:write` token needed no current password, sent no notice
//! and left every other session alive. A new password now needs the
//! current one (for one's own), ends every session and token of the
//! account and tells its address, whoever sets it.

use crate::gate_support::*;
use crate::users_support::{bearer, call, session, token, user, Person, PASSWORD};
use domain::scopes::{ADMIN_PROFILE_WRITE, PROFILE_READ};
use domain::{Role, UserId};
use http::{Method, StatusCode};
use platform_tests::{Reply, TestEnv};
use serde_json::{json, Value};

const NEW: &str = "Brand-new-Passw0rd!";

async fn patch_me(env: &TestEnv, token: &str, body: Value) -> Reply {
    call(
        env,
        Method::PATCH,
        "/user/me",
        Some(body),
        &[("authorization", &bearer(token))],
    )
    .await
}

async fn me(env: &TestEnv, token: &str) -> StatusCode {
    call(
        env,
        Method::GET,
        "/user/me",
        None,
        &[("authorization", &bearer(token))],
    )
    .await
    .status
}

async fn session_alive(env: &TestEnv, cookie: &str) -> bool {
    let r = crate::app_support::form(
        env,
        "/api/check/auth/",
        "",
        crate::app_support::cookie(cookie.trim_start_matches("sid=")),
    )
    .await;
    r.body["is_authenticated"] == true
}

async fn password_notices(env: &TestEnv, p: &Person) -> usize {
    env.emails_to(&p.email)
        .await
        .iter()
        .filter(|(subject, _)| subject.contains("password was changed"))
        .count()
}

#[tokio::test]
async fn a_new_password_of_ones_own_needs_the_current_one_and_ends_every_session() {
    let env = env().await;
    let p = person(&env).await;
    let admin = token(&env, &p, &[ADMIN_PROFILE_WRITE, PROFILE_READ]).await;
    let cookie = session(&env, &p).await;
    let hash = user(&env, &p.id).await.password_hash;
    let before = env.snapshot().await;
    let r = patch_me(&env, &admin, json!({"password": NEW})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
    assert_eq!(r.body["field"], "currentPassword");
    assert_eq!(env.snapshot().await, before, "nothing written");
    let r = patch_me(
        &env,
        &admin,
        json!({"password": NEW, "currentPassword": "wrong-pass"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{:?}", r.body);
    assert_eq!(user(&env, &p.id).await.password_hash, hash, "unchanged");
    assert!(
        session_alive(&env, &cookie).await,
        "a wrong password ends nothing"
    );

    let r = patch_me(
        &env,
        &admin,
        json!({"password": NEW, "currentPassword": PASSWORD}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(
        !session_alive(&env, &cookie).await,
        "the cookie session died"
    );
    assert_eq!(
        me(&env, &admin).await,
        StatusCode::UNAUTHORIZED,
        "the token died"
    );
    assert_eq!(password_notices(&env, &p).await, 1);
    let r = users_login(&env, &p, NEW, &Caller::default()).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
}

#[tokio::test]
async fn a_moderator_setting_a_password_ends_the_targets_sessions_and_tells_them() {
    let env = env().await;
    let (moderator, target) = (person(&env).await, person(&env).await);
    let id = UserId::parse(&moderator.id).unwrap();
    env.state
        .store
        .set_role(&id, Role::Moderator, None)
        .await
        .unwrap();
    let admin = token(&env, &moderator, &[ADMIN_PROFILE_WRITE]).await;
    let cookie = session(&env, &target).await;
    let theirs = token(&env, &target, &[PROFILE_READ]).await;
    let r = patch_me(&env, &admin, json!({"target": target.id, "password": NEW})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(!session_alive(&env, &cookie).await);
    assert_eq!(me(&env, &theirs).await, StatusCode::UNAUTHORIZED);
    assert_eq!(password_notices(&env, &target).await, 1);
    assert_eq!(
        me(&env, &admin).await,
        StatusCode::FORBIDDEN,
        "the moderator's own token lives (scope aside)"
    );
}
