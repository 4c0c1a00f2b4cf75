//! The audit log through the gate and `GET /user/me/security-events`:
//! sign-ins and their refusals (with address, user agent, method and
//! reason), a new device, the endpoint's authentication, bad input that
//! writes nothing, pagination, and the TTL attribute of every item.

use crate::audit_support::*;
use crate::gate_support::{device_cookie, env, person, unverified};
use crate::users_support::{bearer, cookie, token, Person, PASSWORD};
use domain::audit::Actor;
use domain::scopes::{PROFILE_READ, PROFILE_SEARCH};
use http::{Method, StatusCode};
use platform_tests::{Reply, TestEnv};
use serde_json::json;

async fn login(env: &TestEnv, p: &Person, password: &str, cookies: &[&str]) -> Reply {
    let body = json!({"username": p.username, "password": password, "userAgent": UA});
    let jar = cookies.join("; ");
    let headers: Vec<(&str, &str)> = match cookies.is_empty() {
        true => vec![],
        false => vec![("cookie", jar.as_str())],
    };
    from_client(env, Method::POST, "/user/login", Some(body), &headers).await
}

#[tokio::test]
async fn sign_ins_refusals_and_new_devices_are_logged_with_address_and_agent() {
    let env = env().await;
    let p = person(&env).await;
    let r = login(&env, &p, "wrong password", &[]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{:?}", r.body);
    let r = login(&env, &p, PASSWORD, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let device = device_cookie(&r);
    // The same device again: a sign-in, no new device.
    let r = login(&env, &p, PASSWORD, &[&device]).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);

    let events = events_of(&env, &p.id).await;
    assert_eq!(
        kinds(&events),
        ["sign_in", "sign_in", "new_device", "sign_in_failed"],
        "{events:?}"
    );
    for e in &events {
        assert_eq!(e.ip.as_deref(), Some(IP));
        assert_eq!(e.user_agent.as_deref(), Some(UA));
        assert_eq!(e.actor, Actor::User);
        assert_eq!(e.detail["method"], "password");
        assert_eq!(e.user_id.as_str(), p.id);
    }
    let failed = newest(&events, "sign_in_failed");
    assert_eq!(failed.detail["reason"], "wrong_password");
    // Nothing of the password or the tokens is kept.
    let text = format!("{events:?}");
    assert!(!text.contains(PASSWORD) && !text.contains(&device[4..]));
}

#[tokio::test]
async fn banned_unverified_and_locked_refusals_say_why() {
    let env = env().await;
    let banned = person(&env).await;
    let id = domain::UserId::parse(&banned.id).unwrap();
    app::store::AppStore::new(&env.state.store)
        .set_banned(&id, true, None, Actor::Operator)
        .await
        .unwrap();
    let r = login(&env, &banned, PASSWORD, &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{:?}", r.body);
    let events = events_of(&env, &banned.id).await;
    assert_eq!(kinds(&events), ["sign_in_failed", "banned"]);
    assert_eq!(events[0].detail["reason"], "banned");
    assert_eq!(events[1].actor, Actor::Operator);

    let pending = unverified(&env).await;
    let r = login(&env, &pending, PASSWORD, &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{:?}", r.body);
    let events = events_of(&env, &pending.id).await;
    assert_eq!(events[0].detail["reason"], "unverified");

    let locked = person(&env).await;
    let lid = domain::UserId::parse(&locked.id).unwrap();
    let until = domain::time::now_ms() + 60_000;
    env.state
        .store
        .record_login_failure(&lid, Some(until))
        .await
        .unwrap();
    let r = login(&env, &locked, PASSWORD, &[]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{:?}", r.body);
    let events = events_of(&env, &locked.id).await;
    assert_eq!(kinds(&events), ["sign_in_failed"]);
    assert_eq!(events[0].detail["reason"], "locked");
}

#[tokio::test]
async fn the_endpoint_lists_ones_own_events_newest_first_by_session_or_read_scope() {
    let env = env().await;
    let p = person(&env).await;
    let sid = cookie(&login(&env, &p, PASSWORD, &[]).await);
    let other = person(&env).await;
    login(&env, &other, "wrong password", &[]).await;

    let page = api_page(&env, "", &[("cookie", &sid)]).await;
    let events = page["events"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{page}");
    assert_eq!(events[0]["kind"], "sign_in");
    assert_eq!(events[1]["kind"], "new_device");
    assert_eq!(events[0]["ip"], IP);
    assert_eq!(events[0]["userAgent"], UA);
    assert_eq!(events[0]["actor"], "user");
    assert!(events[0]["actorId"].is_null());
    assert_eq!(events[0]["detail"]["method"], "password");
    assert!(events[0]["at"].as_str().unwrap().ends_with('Z'));
    assert!(page["nextCursor"].is_null());

    let read = token(&env, &p, &[PROFILE_READ]).await;
    let auth = bearer(&read);
    let page = api_page(&env, "", &[("authorization", &auth)]).await;
    assert_eq!(page["events"].as_array().unwrap().len(), 2);

    let before = env.snapshot().await;
    let uri = "/user/me/security-events";
    let r = from_client(&env, Method::GET, uri, None, &[]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{:?}", r.body);
    let wrong = bearer(&token(&env, &p, &[PROFILE_SEARCH]).await);
    let r = from_client(&env, Method::GET, uri, None, &[("authorization", &wrong)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{:?}", r.body);
    let r = from_client(&env, Method::GET, uri, None, &[("cookie", "sid=nope")]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{:?}", r.body);
    assert_eq!(env.snapshot().await, before, "a refusal wrote something");
}

#[tokio::test]
async fn bad_limits_and_cursors_are_400_and_write_nothing() {
    let env = env().await;
    let p = person(&env).await;
    let sid = cookie(&login(&env, &p, PASSWORD, &[]).await);
    let other = person(&env).await;
    let theirs = cookie(&login(&env, &other, PASSWORD, &[]).await);
    let foreign = api_page(&env, "?limit=1", &[("cookie", &theirs)]).await["nextCursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let long = "a".repeat(5000);
    let before = env.snapshot().await;
    for (query, field) in [
        ("?limit=0".to_owned(), "limit"),
        ("?limit=101".to_owned(), "limit"),
        ("?limit=ten".to_owned(), "limit"),
        ("?cursor=not-a-cursor".to_owned(), "cursor"),
        (format!("?cursor={foreign}"), "cursor"),
        (format!("?cursor={long}"), "cursor"),
    ] {
        let uri = format!("/user/me/security-events{query}");
        let r = from_client(&env, Method::GET, &uri, None, &[("cookie", &sid)]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}: {:?}", r.body);
        assert_eq!(r.body["ok"], 0);
        assert_eq!(r.error_field(), Some(field), "{query}: {:?}", r.body);
    }
    assert_eq!(
        env.snapshot().await,
        before,
        "a bad request wrote something"
    );
}

#[tokio::test]
async fn pages_follow_the_cursor_to_the_oldest_event() {
    let env = env().await;
    let p = person(&env).await;
    for _ in 0..2 {
        login(&env, &p, "wrong password", &[]).await;
    }
    let sid = cookie(&login(&env, &p, PASSWORD, &[]).await);
    // Two refusals, then a new device and its sign-in: two pages of two.
    let first = api_page(&env, "?limit=2", &[("cookie", &sid)]).await;
    let cursor = first["nextCursor"].as_str().unwrap();
    let second = api_page(
        &env,
        &format!("?limit=2&cursor={cursor}"),
        &[("cookie", &sid)],
    )
    .await;
    let kinds_of = |page: &serde_json::Value| -> Vec<String> {
        page["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(kinds_of(&first), ["sign_in", "new_device"]);
    assert_eq!(kinds_of(&second), ["sign_in_failed", "sign_in_failed"]);
    if let Some(cursor) = second["nextCursor"].as_str() {
        let third = api_page(&env, &format!("?cursor={cursor}"), &[("cookie", &sid)]).await;
        assert!(kinds_of(&third).is_empty());
    }
}

#[tokio::test]
async fn every_event_item_carries_the_ttl_attribute() {
    let env = env().await;
    let p = person(&env).await;
    login(&env, &p, "wrong password", &[]).await;
    login(&env, &p, PASSWORD, &[]).await;
    let now = domain::time::now_secs();
    let items: Vec<_> = env
        .items()
        .await
        .into_iter()
        .filter(|i| i["pk"].as_s().unwrap().starts_with("AUDIT#"))
        .collect();
    assert_eq!(items.len(), 3);
    let days = table::audit::retention_days();
    for item in items {
        let ttl: i64 = item["expires_at"].as_n().unwrap().parse().unwrap();
        assert!((ttl - now - days * 86_400).abs() < 120, "{ttl} vs {now}");
        assert_eq!(item["pk"].as_s().unwrap(), &format!("AUDIT#{}", p.id));
    }
}
