//! `GET /user/networks` and `DELETE /user/networks/{id}` (docs/api/users.md):
//! the caller's sign-in networks over the Users API, with a cookie session
//! or a bearer token; unlinking never the last way in.

use crate::users_support::{verified, Person};
use axum::body::Body;
use domain::UserId;
use http::{Method, Request};
use identity::api_key::{self, Permission};
use platform_tests::{Reply, TestEnv};
use serde_json::json;
use socialnetworks::store::{NetworkAccount, NetworksStore};

async fn env() -> TestEnv {
    TestEnv::new(dev_server::app).await
}

/// An enabled `oidc` network; its id.
async fn network(env: &TestEnv) -> u64 {
    let (key, _) = api_key::create(&env.state.store, "t", vec![Permission::Write])
        .await
        .unwrap();
    let settings = json!({"keys": {"client_id": "c", "issuer": "https://idp.example.com"}});
    let body = json!({"key": "oidc", "settings": settings.to_string(), "icon": "x"});
    let req = Request::post("/api/social-networks")
        .header("x-api-key", key.expose())
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    env.send(req).await.body["social_network"]["id"]
        .as_u64()
        .unwrap()
}

async fn link(env: &TestEnv, network: u64, p: &Person) {
    let id = UserId::parse(&p.id).unwrap();
    let user = env.state.store.get_user(&id).await.unwrap().unwrap();
    let store = NetworksStore::new(&env.state.store);
    let snapshot = store.link_snapshot(network, user.seq).await.unwrap();
    let account = NetworkAccount {
        value: format!("acct-{}", user.seq),
        login: "l".into(),
        name: "n".into(),
        url: String::new(),
    };
    store
        .link_account(network, user.seq, &account, false, snapshot)
        .await
        .unwrap();
}

async fn call(env: &TestEnv, method: Method, uri: &str, cookie: &str) -> Reply {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("cookie", cookie)
        .body(Body::empty())
        .unwrap();
    env.send(req).await
}

async fn cookie_of(env: &TestEnv, p: &Person) -> String {
    crate::users_support::cookie(&crate::users_support::login(env, p).await)
}

#[tokio::test]
async fn list_and_unlink_over_the_api() {
    let env = env().await;
    let id = network(&env).await;
    let p = verified(&env).await;
    let cookie = cookie_of(&env, &p).await;
    let r = call(&env, Method::GET, "/user/networks", &cookie).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["data"]["networks"][0]["linked"], false);
    assert!(r.body["data"]["networks"][0]["linkedAt"].is_null());

    link(&env, id, &p).await;
    let r = call(&env, Method::GET, "/user/networks", &cookie).await;
    assert_eq!(r.body["data"]["networks"][0]["key"], "oidc");
    assert_eq!(r.body["data"]["networks"][0]["linked"], true);

    // Bad ids, no caller: refused, nothing written.
    let before = env.snapshot().await;
    for uri in ["/user/networks/x", "/user/networks/999999"] {
        assert_eq!(
            call(&env, Method::DELETE, uri, &cookie).await.status,
            404,
            "{uri}"
        );
    }
    let uri = format!("/user/networks/{id}");
    assert_eq!(call(&env, Method::DELETE, &uri, "").await.status, 401);
    assert_eq!(env.snapshot().await, before);

    let r = call(&env, Method::DELETE, &uri, &cookie).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(call(&env, Method::DELETE, &uri, &cookie).await.status, 404);
    let r = call(&env, Method::GET, "/user/networks", &cookie).await;
    assert_eq!(r.body["data"]["networks"][0]["linked"], false);
}
