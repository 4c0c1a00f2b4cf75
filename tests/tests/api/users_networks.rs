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
    let issuer =
        std::env::var("FEDERATION_ISSUER").expect("FEDERATION_ISSUER: run with `make test`");
    let settings =
        json!({"keys": {"client_id": "c", "client_secret": "s3cret-value-xyz", "issuer": issuer}});
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
        .link_account(
            network,
            user.seq,
            &account,
            false,
            snapshot,
            &domain::audit::Event::by_user(domain::audit::Kind::NetworkLinked),
        )
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
    // The link and the unlink are in the user's security log, by network.
    let events = crate::audit_support::events_of(&env, &p.id).await;
    let unlinked = crate::audit_support::newest(&events, "network_unlinked");
    assert_eq!(unlinked.detail["network"], "oidc");
    assert_eq!(unlinked.actor, domain::audit::Actor::User);
    let linked = crate::audit_support::newest(&events, "network_linked");
    assert_eq!(linked.detail["network"], "oidc");
    assert_eq!(call(&env, Method::DELETE, &uri, &cookie).await.status, 404);
    let r = call(&env, Method::GET, "/user/networks", &cookie).await;
    assert_eq!(r.body["data"]["networks"][0]["linked"], false);
}

/// The value of cookie `name` among a reply's `Set-Cookie`s.
fn set_cookie(r: &Reply, name: &str) -> String {
    r.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no {name} cookie"))
}

#[tokio::test]
async fn a_browser_app_links_a_network_through_the_api() {
    let env = env().await;
    let id = network(&env).await;
    let p = verified(&env).await;
    let sid = cookie_of(&env, &p).await;
    let uri = format!("/user/networks/{id}/link");
    let r = call(&env, Method::POST, &uri, &sid).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let url = r.body["data"]["authorizationUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let state = set_cookie(&r, "nstate");

    // The provider signs the person in; its answer comes back to the callback.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = http
        .post(&url)
        .form(&[("sub", "api-linker")])
        .send()
        .await
        .unwrap();
    let back = crate::sites_support::rel(answer.headers()["location"].to_str().unwrap());
    let r = call(&env, Method::GET, &back, &format!("{sid}; {state}")).await;
    assert_eq!(r.status, 303);
    let r = call(&env, Method::GET, "/user/networks", &sid).await;
    assert_eq!(r.body["data"]["networks"][0]["linked"], true);

    // Only with the cookie session, only a network that exists.
    let before = env.snapshot().await;
    assert_eq!(call(&env, Method::POST, &uri, "").await.status, 401);
    let r = call(&env, Method::POST, "/user/networks/999999/link", &sid).await;
    assert_eq!(r.status, 404);
    assert_eq!(env.snapshot().await, before);
}
