//! App Users API: register, login, logout, sessions, the error shapes,
//! cross-site refusals, bans and forced logouts across surfaces.

use crate::app_support::*;
use domain::scopes;
use identity::jwt;
use platform_tests::unique_name;
use serde_json::json;

#[tokio::test]
async fn register_answers_an_integer_id_and_a_session() {
    let env = env().await;
    let a = register(&env).await;
    let b = register(&env).await;
    assert!(b.seq > a.seq);
    let r = form(&env, "/api/check/auth/", "", cookie(&a.sid)).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body,
        json!({"is_authenticated": true, "user_id": a.seq, "username": a.name})
    );
    let u = user(&env.state, a.seq).await;
    assert_eq!((u.country_id, u.city_id), (Some(1), Some(1)));
    assert_eq!(u.first_name.as_deref(), Some("John"));
}

#[tokio::test]
async fn bad_registrations_name_the_field_and_write_nothing() {
    let env = env().await;
    let taken = register(&env).await;
    // A refused sign-up may have drawn an integer id (a gap): the counter
    // is the one item allowed to move.
    let snapshot = || async {
        let mut rows = env.snapshot().await;
        rows.retain(|r| !r.contains("COUNTER#user_seq"));
        rows
    };
    let before = snapshot().await;
    let fresh = unique_name("app_");
    let base = |over: &str| {
        let mut pairs = vec![
            ("username", fresh.clone()),
            ("email", format!("{fresh}@example.com")),
            ("password", PASSWORD.to_owned()),
            ("first_name", "John".into()),
            ("last_name", "Doe".into()),
            ("country", "1".into()),
            ("city", "1".into()),
        ];
        let (k, v) = over.split_once('=').unwrap();
        pairs.retain(|(n, _)| *n != k);
        if !v.is_empty() {
            pairs.push((Box::leak(k.to_owned().into_boxed_str()), v.to_owned()));
        }
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    };
    let cases = [
        ("email=not-an-email", "email"),
        ("password=short", "password"),
        ("username=", "username"),
        ("username=has space", "username"),
        ("first_name=", "first_name"),
        ("country=99", "country"),
        ("city=3", "city"),
        ("country=x", "country"),
    ];
    for (over, field) in cases {
        let r = form(&env, "/api/action/register/", &base(over), As::default()).await;
        assert_eq!(r.status, 400, "{over}: {}", r.body);
        assert_eq!(r.body["error"], "validation_error", "{over}");
        assert_eq!(r.body["field"], field, "{over}");
    }
    let r = form(
        &env,
        "/api/action/register/",
        &base(&format!("username={}", taken.name.to_uppercase())),
        As::default(),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.body["field"].as_str()),
        (400, Some("username"))
    );
    assert_eq!(snapshot().await, before);
    // An address someone else registered is no bad input: register never
    // says who is registered (issue 18; gate_addresses.rs has the rest).
    let r = form(
        &env,
        "/api/action/register/",
        &base(&format!("email={}", taken.email)),
        As::default(),
    )
    .await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.body);
}

#[tokio::test]
async fn login_sets_the_platform_cookie_with_one_answer_for_every_failure() {
    let env = env().await;
    let a = register(&env).await;
    // By email once the address is proven (an unproven one names no one).
    verify_address(&env, &a).await;
    for who in [format!("username={}", a.name), format!("email={}", a.email)] {
        let r = form(
            &env,
            "/api/action/login/",
            &format!("{who}&password={PASSWORD}"),
            As::default(),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["user_id"], a.seq);
        let set = r.headers["set-cookie"].to_str().unwrap();
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Lax"),
            "{set}"
        );
        let check = form(&env, "/api/check/validate/", "", cookie(&sid(&r))).await;
        assert_eq!(check.body, json!({"is_logged": true, "user_id": a.seq}));
    }
    let wrong = form(
        &env,
        "/api/action/login/",
        &format!("username={}&password=wrong-pass", a.name),
        As::default(),
    )
    .await;
    let unknown = form(
        &env,
        "/api/action/login/",
        "username=nobody_at_all&password=wrong-pass",
        As::default(),
    )
    .await;
    assert_eq!(wrong.status, 401);
    assert_eq!(
        wrong.body,
        json!({"error": "invalid_credentials", "message": "Invalid username or password"})
    );
    assert_eq!(wrong.body, unknown.body);
    // Lockout: after five failures even the right password is refused alike.
    for _ in 0..5 {
        form(
            &env,
            "/api/action/login/",
            &format!("username={}&password=wrong-pass", a.name),
            As::default(),
        )
        .await;
    }
    let locked = form(
        &env,
        "/api/action/login/",
        &format!("username={}&password={PASSWORD}", a.name),
        As::default(),
    )
    .await;
    assert_eq!(locked.body, wrong.body);
    let r = form(&env, "/api/action/login/", "password=x", As::default()).await;
    assert_eq!(
        (r.status.as_u16(), r.body["field"].as_str()),
        (400, Some("username"))
    );
}

#[tokio::test]
async fn the_users_api_session_is_the_same_session() {
    let env = env().await;
    let a = register(&env).await;
    let r = env
        .post(
            "/user/login",
            json!({"username": a.name, "password": PASSWORD, "userAgent": "tests"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let users_sid = sid(&r);
    let r = form(&env, "/api/get/preferences/", "", cookie(&users_sid)).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["user_id"], a.seq);
}

#[tokio::test]
async fn no_or_dead_session_is_authentication_required() {
    let env = env().await;
    let a = register(&env).await;
    let required = json!({
        "error": "authentication_required",
        "message": "Authentication is required for this endpoint"
    });
    for path in [
        "/api/get/preferences/",
        "/api/get/notifications/",
        "/api/get/notifications/history/",
        "/api/update/language/?language=es",
        "/api/action/logout/",
    ] {
        let r = form(&env, path, "", As::default()).await;
        assert_eq!((r.status.as_u16(), &r.body), (401, &required), "{path}");
        let r = form(&env, path, "", cookie("NotASessionAtAll000000000000000")).await;
        assert_eq!(r.status, 401, "{path}");
    }
    let r = form(&env, "/api/action/logout/", "", cookie(&a.sid)).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body,
        json!({"status": "success", "message": "Logged out successfully"})
    );
    let r = form(&env, "/api/get/preferences/", "", cookie(&a.sid)).await;
    assert_eq!(r.status, 401);
    let r = form(&env, "/api/check/auth/", "", cookie(&a.sid)).await;
    assert_eq!(r.body["is_authenticated"], false);
}

#[tokio::test]
async fn cross_site_form_posts_are_refused() {
    let env = env().await;
    let a = register(&env).await;
    let before = env.snapshot().await;
    let evil = As {
        cookie: Some(&a.sid),
        origin: Some("https://evil.example"),
        ..As::default()
    };
    let r = form(&env, "/api/update/language/", "language=es", evil).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.body["error"], "permission_denied");
    let r = form(
        &env,
        "/api/action/login/",
        &format!("username={}&password={PASSWORD}", a.name),
        evil,
    )
    .await;
    assert_eq!(r.status, 403);
    assert_eq!(env.snapshot().await, before);
    let own = As {
        cookie: Some(&a.sid),
        origin: Some("https://app.example.com"),
        ..As::default()
    };
    let r = form(&env, "/api/update/language/", "language=es", own).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn a_ban_voids_every_token_and_blocks_login_everywhere_until_unbanned() {
    let env = env().await;
    let key = full_key(&env).await;
    let a = register(&env).await;
    let accounts = env
        .post(
            "/api/v1/accounts/auth",
            json!({"username": a.name, "password": PASSWORD}),
        )
        .await;
    assert_eq!(accounts.status, 200, "{}", accounts.body);
    let account_token = accounts.body["result"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let u = user(&env.state, a.seq).await;
    let bearer = jwt::mint_for_user(&env.state.access_tokens, &u, &[scopes::PROFILE_READ])
        .await
        .unwrap();
    let me = |token: String| {
        let env = &env;
        async move {
            let req = http::Request::builder()
                .uri("/user/me")
                .header("authorization", format!("Bearer {token}"))
                .body(axum::body::Body::empty())
                .unwrap();
            env.send(req).await.status
        }
    };
    assert_eq!(me(bearer.clone()).await, 200);
    assert_eq!(
        env.get(&format!("/api/v1/accounts/{account_token}"))
            .await
            .status,
        200
    );

    let r = form(
        &env,
        "/api/user/status/ban/",
        &format!("user_id={}&banned=true&reason=Violation of terms", a.seq),
        with_key(&key),
    )
    .await;
    assert_eq!(
        r.body,
        json!({"status": "success", "message": "User ban status updated"})
    );
    assert_eq!(me(bearer.clone()).await, 401);
    assert_eq!(
        env.get(&format!("/api/v1/accounts/{account_token}"))
            .await
            .status,
        401
    );
    assert_eq!(
        form(&env, "/api/get/preferences/", "", cookie(&a.sid))
            .await
            .status,
        401
    );
    let login = format!("username={}&password={PASSWORD}", a.name);
    let r = form(&env, "/api/action/login/", &login, As::default()).await;
    assert_eq!(
        (r.status.as_u16(), r.body["error"].as_str()),
        (403, Some("permission_denied"))
    );
    let r = env
        .post(
            "/api/v1/accounts/auth",
            json!({"username": a.name, "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status, 403);
    let status = form(
        &env,
        "/api/user/status/",
        &format!("user_id={}", a.seq),
        with_key(&key),
    )
    .await;
    assert_eq!(status.body["status"], "banned");

    let r = form(
        &env,
        "/api/user/status/ban/",
        &format!("user_id={}&banned=0", a.seq),
        with_key(&key),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(me(bearer).await, 401, "an unban restores login only");
    assert_eq!(
        form(&env, "/api/action/login/", &login, As::default())
            .await
            .status,
        200
    );
    let status = form(
        &env,
        "/api/user/status/",
        &format!("user_id={}", a.seq),
        with_key(&key),
    )
    .await;
    assert_eq!(status.body["status"], "active");
    assert!(status.body["last_login"].is_string());
    assert_eq!(status.body["total_campaigns"], 0);
}

#[tokio::test]
async fn force_logout_ends_every_session_but_not_the_account() {
    let env = env().await;
    let key = full_key(&env).await;
    let a = register(&env).await;
    let other = form(
        &env,
        "/api/action/login/",
        &format!("username={}&password={PASSWORD}", a.name),
        As::default(),
    )
    .await;
    let second = sid(&other);
    let r = form(
        &env,
        "/api/user/force-logout/",
        &format!("user_id={}", a.seq),
        with_key(&key),
    )
    .await;
    assert_eq!(
        r.body,
        json!({"status": "success", "message": "User logged out from all sessions"})
    );
    for s in [&a.sid, &second] {
        assert_eq!(
            form(&env, "/api/get/preferences/", "", cookie(s))
                .await
                .status,
            401
        );
    }
    let again = form(
        &env,
        "/api/action/login/",
        &format!("username={}&password={PASSWORD}", a.name),
        As::default(),
    )
    .await;
    assert_eq!(again.status, 200);
    assert_eq!(
        form(&env, "/api/get/preferences/", "", cookie(&sid(&again)))
            .await
            .status,
        200
    );
}
