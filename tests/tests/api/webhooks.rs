//! The webhooks management API (`/api/webhooks`): success, the documented
//! errors, bad input with nothing written.

use crate::webhooks_support::{api, env, key, register, writer};
use http::{Method, StatusCode};
use identity::api_key::Permission;
use serde_json::json;

const URL: &str = "https://hooks.example.com/in";

#[tokio::test]
async fn endpoints_are_created_listed_updated_rotated_and_deleted() {
    let env = env().await;
    let key = writer(&env).await;
    let (id, secret) = register(&env, &key, URL, &["user.created", "user.banned"]).await;
    assert!(secret.expose().starts_with("whsec_"));
    let r = api(
        &env,
        Method::GET,
        &format!("/api/webhooks/{id}"),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["webhook"]["url"], URL);
    assert_eq!(
        r.body["webhook"]["events"],
        json!(["user.banned", "user.created"])
    );
    assert!(
        !r.body.to_string().contains("whsec_"),
        "the secret is never shown again"
    );

    let patch = json!({ "enabled": false, "events": ["*"], "description": "off" });
    let r = api(
        &env,
        Method::PATCH,
        &format!("/api/webhooks/{id}"),
        Some(&key),
        Some(patch),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["webhook"]["enabled"], false);
    assert_eq!(r.body["webhook"]["events"], json!(["*"]));

    let r = api(
        &env,
        Method::POST,
        &format!("/api/webhooks/{id}/rotate"),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let rotated = r.body["secret"].as_str().unwrap();
    assert!(rotated.starts_with("whsec_") && rotated != secret.expose());
    assert!(r.body["webhook"]["previous_secret_until"].is_string());

    let r = api(
        &env,
        Method::DELETE,
        &format!("/api/webhooks/{id}"),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = api(
        &env,
        Method::GET,
        &format!("/api/webhooks/{id}"),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.body["error"]["code"], "not_found");
}

#[tokio::test]
async fn lists_page_with_sealed_cursors() {
    let env = env().await;
    let key = writer(&env).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(register(&env, &key, URL, &["*"]).await.0);
    }
    let mut seen = Vec::new();
    let mut uri = "/api/webhooks?limit=2".to_owned();
    loop {
        let r = api(&env, Method::GET, &uri, Some(&key), None).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        seen.extend(
            r.body["webhooks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| w["id"].as_str().unwrap().to_owned()),
        );
        match r.body["next_cursor"].as_str() {
            Some(c) => uri = format!("/api/webhooks?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, ids);
    for bad in [
        "/api/webhooks?limit=0",
        "/api/webhooks?limit=101",
        "/api/webhooks?cursor=x.y",
    ] {
        let r = api(&env, Method::GET, bad, Some(&key), None).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {:?}", r.body);
    }
    let r = api(
        &env,
        Method::GET,
        &format!("/api/webhooks/{}/deliveries", ids[0]),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["deliveries"], json!([]));
}

#[tokio::test]
async fn refusals_write_nothing() {
    let env = env().await;
    let key = writer(&env).await;
    let reader = key_with_read(&env).await;
    let before = env.snapshot().await;
    let good = json!({ "url": URL, "events": ["user.created"] });
    let cases = [
        (None, good.clone(), StatusCode::UNAUTHORIZED, "field"),
        (
            Some("pk_nope".to_owned()),
            good.clone(),
            StatusCode::UNAUTHORIZED,
            "",
        ),
        (
            Some(reader.clone()),
            good.clone(),
            StatusCode::FORBIDDEN,
            "",
        ),
        (
            Some(key.clone()),
            json!({ "events": ["user.created"] }),
            StatusCode::BAD_REQUEST,
            "url",
        ),
        (
            Some(key.clone()),
            json!({ "url": URL }),
            StatusCode::BAD_REQUEST,
            "events",
        ),
        (
            Some(key.clone()),
            json!({ "url": URL, "events": [] }),
            StatusCode::BAD_REQUEST,
            "events",
        ),
        (
            Some(key.clone()),
            json!({ "url": URL, "events": ["user.exploded"] }),
            StatusCode::BAD_REQUEST,
            "events",
        ),
        (
            Some(key.clone()),
            json!({ "url": "http://hooks.example.com/", "events": ["*"] }),
            StatusCode::BAD_REQUEST,
            "url",
        ),
        (
            Some(key.clone()),
            json!({ "url": "ftp://x", "events": ["*"] }),
            StatusCode::BAD_REQUEST,
            "url",
        ),
        (
            Some(key.clone()),
            json!({ "url": URL, "events": ["*"], "description": "x".repeat(501) }),
            StatusCode::BAD_REQUEST,
            "description",
        ),
        (
            Some(key.clone()),
            json!({ "url": 5, "events": ["*"] }),
            StatusCode::BAD_REQUEST,
            "",
        ),
    ];
    for (k, body, status, field) in cases {
        let r = api(
            &env,
            Method::POST,
            "/api/webhooks",
            k.as_deref(),
            Some(body.clone()),
        )
        .await;
        assert_eq!(r.status, status, "{body}: {:?}", r.body);
        if status == StatusCode::BAD_REQUEST && !field.is_empty() {
            assert_eq!(r.body["error"]["field"], field, "{body}: {:?}", r.body);
        }
    }
    let ghost = "0123456789abcdef01234567";
    for (method, uri, body) in [
        (Method::GET, format!("/api/webhooks/{ghost}"), None),
        (Method::GET, "/api/webhooks/not-an-id".to_owned(), None),
        (
            Method::PATCH,
            format!("/api/webhooks/{ghost}"),
            Some(json!({ "enabled": false })),
        ),
        (Method::DELETE, format!("/api/webhooks/{ghost}"), None),
        (Method::POST, format!("/api/webhooks/{ghost}/rotate"), None),
        (
            Method::GET,
            format!("/api/webhooks/{ghost}/deliveries"),
            None,
        ),
        (
            Method::POST,
            "/api/webhooks/deliveries/msg_0123/replay".to_owned(),
            None,
        ),
        (
            Method::POST,
            format!("/api/webhooks/deliveries/msg_{}/replay", "0".repeat(32)),
            None,
        ),
    ] {
        let r = api(&env, method, &uri, Some(&key), body).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}: {:?}", r.body);
    }
    assert_eq!(env.snapshot().await, before, "a refusal wrote something");

    let (id, _) = register(&env, &key, URL, &["*"]).await;
    let before = env.snapshot().await;
    for body in [
        json!({}),
        json!({ "url": "http://10.0.0.1/" }),
        json!({ "events": ["nope"] }),
    ] {
        let r = api(
            &env,
            Method::PATCH,
            &format!("/api/webhooks/{id}"),
            Some(&key),
            Some(body.clone()),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {:?}", r.body);
    }
    let r = api(
        &env,
        Method::PATCH,
        &format!("/api/webhooks/{id}"),
        Some(&reader),
        Some(json!({ "enabled": false })),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        env.snapshot().await,
        before,
        "a refused update wrote something"
    );
}

async fn key_with_read(env: &platform_tests::TestEnv) -> String {
    key(env, vec![Permission::Read]).await
}
