//! App Users API backend endpoints: API keys (read / write), the shared
//! paths answering by caller, check/login, status, validation and the
//! email check's rate limits.

use crate::app_support::*;
use identity::api_key::Permission;
use serde_json::json;

#[tokio::test]
async fn the_two_shared_paths_answer_by_caller() {
    let env = env().await;
    let key = full_key(&env).await;
    let a = register(&env).await;
    // App callers: the session, and an availability check.
    let r = form(&env, "/api/check/validate/", "", cookie(&a.sid)).await;
    assert_eq!(r.body, json!({"is_logged": true, "user_id": a.seq}));
    let r = form(&env, "/api/check/validate/", "", As::default()).await;
    assert_eq!(r.body, json!({"is_logged": false, "user_id": null}));
    // A registration's address is a claim until verified: it is not taken.
    let r = form(
        &env,
        "/api/check/email/",
        &format!("email={}", a.email),
        cookie(&a.sid),
    )
    .await;
    assert_eq!(r.body, json!({"exists": false, "available": true}));
    verify_address(&env, &a).await;
    let r = form(
        &env,
        "/api/check/email/",
        &format!("email={}", a.email),
        cookie(&a.sid),
    )
    .await;
    assert_eq!(r.body, json!({"exists": true, "available": false}));
    let r = form(
        &env,
        "/api/check/email/",
        "email=free.address@example.com",
        As::default(),
    )
    .await;
    assert_eq!(r.body, json!({"exists": false, "available": true}));
    // Backend callers: credentials, and the owner's id (JSON body as documented).
    let r = form(
        &env,
        "/api/check/validate/",
        &format!("username={}&password={PASSWORD}", a.name),
        with_key(&key),
    )
    .await;
    assert_eq!(r.body, json!({"is_valid": true, "user_id": a.seq}));
    let r = form(
        &env,
        "/api/check/validate/",
        &format!("username={}&password=wrong-pass", a.name),
        with_key(&key),
    )
    .await;
    assert_eq!(r.body, json!({"is_valid": false, "user_id": null}));
    let r = json(
        &env,
        "/api/check/email/",
        json!({"email": a.email}),
        with_key(&key),
    )
    .await;
    assert_eq!(r.body, json!({"exists": true, "user_id": a.seq}));
    let r = json(
        &env,
        "/api/check/email/",
        json!({"email": "nobody@example.com"}),
        with_key(&key),
    )
    .await;
    assert_eq!(r.body, json!({"exists": false, "user_id": null}));
    // A key that is not live is refused, not taken for an app caller.
    let r = form(
        &env,
        "/api/check/validate/",
        "username=x&password=y",
        with_key("plk_nope"),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.body["error"].as_str()),
        (401, Some("authentication_required"))
    );
}

#[tokio::test]
async fn check_login_reads_the_session_in_the_body() {
    let env = env().await;
    let key = full_key(&env).await;
    let a = register(&env).await;
    let r = form(
        &env,
        "/api/check/login/",
        &format!("session={}", a.sid),
        with_key(&key),
    )
    .await;
    assert_eq!(
        r.body,
        json!({"is_logged": true, "user_id": a.seq, "is_staff": false, "is_superuser": false})
    );
    let u = user(&env.state, a.seq).await;
    app::store::AppStore::new(&env.state.store)
        .set_superuser(&u.id, true)
        .await
        .unwrap();
    env.state
        .store
        .set_role(&u.id, domain::Role::Moderator, None)
        .await
        .unwrap();
    let r = form(
        &env,
        "/api/check/login/",
        &format!("session={}", a.sid),
        with_key(&key),
    )
    .await;
    assert_eq!(
        (
            r.body["is_staff"].as_bool(),
            r.body["is_superuser"].as_bool()
        ),
        (Some(true), Some(true))
    );
    let r = form(
        &env,
        "/api/check/login/",
        "session=NotASession",
        with_key(&key),
    )
    .await;
    assert_eq!(r.body["is_logged"], false);
    let r = form(&env, "/api/check/login/", "", with_key(&key)).await;
    assert_eq!(
        (r.status.as_u16(), r.body["field"].as_str()),
        (400, Some("session"))
    );
    let r = form(
        &env,
        "/api/check/login/",
        &format!("session={}", a.sid),
        cookie(&a.sid),
    )
    .await;
    assert_eq!(r.status, 401, "a session is no backend credential");
}

#[tokio::test]
async fn permissions_and_unknown_users() {
    let env = env().await;
    let read = key_with(&env, vec![Permission::Read]).await;
    let write = key_with(&env, vec![Permission::Write]).await;
    let a = register(&env).await;
    let before = env.snapshot().await;
    for path in [
        "/api/user/status/ban/",
        "/api/user/force-logout/",
        "/api/user/notification/",
    ] {
        let body = format!(
            "user_id={}&banned=true&title=t&message=m&type=system",
            a.seq
        );
        let r = form(&env, path, &body, with_key(&read)).await;
        assert_eq!(r.status, 403, "{path}");
        assert_eq!(
            r.body,
            json!({"error": "permission_denied", "message": "You don't have permission to perform this action"})
        );
        let r = form(&env, path, &body, As::default()).await;
        assert_eq!(r.status, 401, "{path}");
        let r = form(&env, path, &body, cookie(&a.sid)).await;
        assert_eq!(
            r.status, 401,
            "{path}: an app session is no backend credential"
        );
    }
    let r = form(
        &env,
        "/api/user/status/",
        &format!("user_id={}", a.seq),
        with_key(&write),
    )
    .await;
    assert_eq!(r.status, 403);
    assert_eq!(env.snapshot().await, before);
    let full = full_key(&env).await;
    for path in [
        "/api/user/status/",
        "/api/user/status/ban/",
        "/api/user/force-logout/",
        "/api/user/notification/",
    ] {
        let r = form(
            &env,
            path,
            "user_id=999999&banned=true&title=t&message=m&type=system",
            with_key(&full),
        )
        .await;
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(
            r.body,
            json!({"error": "user_not_found", "message": "User not found"})
        );
    }
    for (body, field) in [
        ("user_id=abc&banned=true", "user_id"),
        (&*format!("user_id={}", a.seq), "banned"),
        (&*format!("user_id={}&banned=perhaps", a.seq), "banned"),
    ] {
        let r = form(&env, "/api/user/status/ban/", body, with_key(&full)).await;
        assert_eq!(
            (r.status.as_u16(), r.body["field"].as_str()),
            (400, Some(field)),
            "{body}"
        );
    }
    for (body, field) in [
        (format!("user_id={}&message=m&type=system", a.seq), "title"),
        (
            format!("user_id={}&title=t&message=m&type=spam", a.seq),
            "type",
        ),
        (
            format!("user_id={}&title=t&message=m&type=system&data=[1]", a.seq),
            "data",
        ),
    ] {
        let r = form(&env, "/api/user/notification/", &body, with_key(&full)).await;
        assert_eq!(
            (r.status.as_u16(), r.body["field"].as_str()),
            (400, Some(field)),
            "{body}"
        );
    }
}

#[tokio::test]
async fn status_of_an_unverified_user_is_inactive() {
    let env = env().await;
    let key = full_key(&env).await;
    let name = platform_tests::unique_name("pending_");
    let r = env
        .post(
            "/user/create",
            json!({"username": name, "email": format!("{name}@example.com"), "password": "s3cret-pass",
                   "firstName": "Pat", "lastName": "Doe"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = env
        .state
        .store
        .username_owner(&name.to_lowercase())
        .await
        .unwrap()
        .unwrap();
    let seq = env.state.store.get_user(&id).await.unwrap().unwrap().seq;
    let r = form(
        &env,
        "/api/user/status/",
        &format!("user_id={seq}"),
        with_key(&key),
    )
    .await;
    assert_eq!(r.body["status"], "inactive");
    assert_eq!(r.body["last_login"], serde_json::Value::Null);
    assert_eq!(r.body["joined_date"].as_str().unwrap().len(), 10);
}

#[tokio::test]
async fn the_app_email_check_is_rate_limited_per_address_and_per_caller() {
    let env = env().await;
    let target = "someone@example.com";
    for i in 0..10 {
        let r = form(
            &env,
            "/api/check/email/",
            &format!("email={target}"),
            As::default(),
        )
        .await;
        assert_eq!(r.status, 200, "check {i}");
    }
    let r = form(
        &env,
        "/api/check/email/",
        &format!("email={target}"),
        As::default(),
    )
    .await;
    assert_eq!(r.status, 429);
    assert!(r.headers.get("retry-after").is_some());
    // Per caller: twenty different addresses a minute from one session.
    // The window is fixed: should it turn mid-loop, up to twenty more pass
    // before the refusal, so ask until refused (at most two windows' worth).
    let a = register(&env).await;
    let mut statuses = Vec::new();
    for i in 0..41 {
        let status = form(
            &env,
            "/api/check/email/",
            &format!("email=x{i}@example.com"),
            cookie(&a.sid),
        )
        .await
        .status
        .as_u16();
        statuses.push(status);
        if status == 429 {
            break;
        }
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    let accepted = statuses.iter().filter(|s| **s == 200).count();
    assert!((20..=40).contains(&accepted), "{statuses:?}");
    assert_eq!(accepted + 1, statuses.len(), "{statuses:?}");
    let r = form(&env, "/api/check/email/", "email=bad", As::default()).await;
    assert_eq!(
        (r.status.as_u16(), r.body["field"].as_str()),
        (400, Some("email"))
    );
}
