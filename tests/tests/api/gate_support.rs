//! Helpers of the gatekeeper tests (issue 18): the whole platform on one
//! router, people made through the Users API, and requests from a given
//! address with a given device cookie.

use crate::users_support::{sign_up_body, Person, PASSWORD};
use axum::body::Body;
use axum::extract::ConnectInfo;
use domain::UserId;
use http::{Method, Request, StatusCode};
use platform_tests::{unique_name, Reply, TestEnv};
use serde_json::{json, Value};
use std::net::SocketAddr;
use table::UserFlag;

/// Every surface on one router (the dev server's union).
pub async fn env() -> TestEnv {
    let env = TestEnv::new(dev_server::app).await;
    app::store::AppStore::new(&env.state.store)
        .seed_catalogue()
        .await
        .unwrap();
    env
}

/// A verified person of the Users API.
pub async fn person(env: &TestEnv) -> Person {
    crate::users_support::verified(env).await
}

/// A Users API sign-up that never verified its address.
pub async fn unverified(env: &TestEnv) -> Person {
    crate::users_support::sign_up(env).await
}

pub async fn two_factor_on(env: &TestEnv, p: &Person) {
    let id = UserId::parse(&p.id).unwrap();
    assert!(env
        .state
        .store
        .set_user_flag(&id, UserFlag::TwoFactor, true)
        .await
        .unwrap());
}

/// Where a request comes from: the edge's address and the cookies sent.
#[derive(Default, Clone)]
pub struct Caller {
    pub ip: Option<&'static str>,
    pub cookies: Vec<String>,
    pub origin: Option<&'static str>,
}

impl Caller {
    pub fn ip(ip: &'static str) -> Self {
        Self {
            ip: Some(ip),
            ..Self::default()
        }
    }

    pub fn with_cookie(mut self, cookie: &str) -> Self {
        self.cookies.push(cookie.to_owned());
        self
    }
}

/// A request as a browser or client at `from` sends it.
pub async fn send(
    env: &TestEnv,
    method: Method,
    uri: &str,
    body: Option<Value>,
    from: &Caller,
) -> Reply {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "api.example.com");
    if !from.cookies.is_empty() {
        req = req.header("cookie", from.cookies.join("; "));
    }
    if let Some(origin) = from.origin {
        req = req.header("origin", origin);
    }
    let mut req = match body {
        Some(v) => req
            .header("content-type", "application/json")
            .body(Body::from(v.to_string()))
            .unwrap(),
        None => req.body(Body::empty()).unwrap(),
    };
    if let Some(ip) = from.ip {
        let addr: SocketAddr = format!("{ip}:40000").parse().unwrap();
        req.extensions_mut().insert(ConnectInfo(addr));
    }
    env.send(req).await
}

pub async fn post(env: &TestEnv, uri: &str, body: Value, from: &Caller) -> Reply {
    send(env, Method::POST, uri, Some(body), from).await
}

/// `name=value` of every cookie a reply sets.
pub fn set_cookies(r: &Reply) -> Vec<String> {
    r.headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .collect()
}

/// The `did=` cookie a completed sign-in sets.
pub fn device_cookie(r: &Reply) -> String {
    set_cookies(r)
        .into_iter()
        .find(|c| c.starts_with("did="))
        .expect("a device cookie")
}

/// A Users API login with `password`.
pub async fn users_login(env: &TestEnv, p: &Person, password: &str, from: &Caller) -> Reply {
    post(
        env,
        "/user/login",
        json!({"username": p.username, "password": password, "userAgent": "gate-tests"}),
        from,
    )
    .await
}

/// An Accounts API sign-in with `password` (and an inline code).
pub async fn accounts_auth(
    env: &TestEnv,
    name: &str,
    password: &str,
    extra: Value,
    from: &Caller,
) -> Reply {
    let mut body = json!({"username": name, "password": password});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    post(env, "/api/v1/accounts/auth", body, from).await
}

/// An App Users API login (form body) with `password`.
pub async fn app_login(env: &TestEnv, name: &str, password: &str, from: &Caller) -> Reply {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/api/action/login/")
        .header("host", "api.example.com")
        .header("content-type", "application/x-www-form-urlencoded");
    if !from.cookies.is_empty() {
        req = req.header("cookie", from.cookies.join("; "));
    }
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("username", name), ("password", password)])
        .finish();
    let mut req = req.body(Body::from(body)).unwrap();
    if let Some(ip) = from.ip {
        let addr: SocketAddr = format!("{ip}:40000").parse().unwrap();
        req.extensions_mut().insert(ConnectInfo(addr));
    }
    env.send(req).await
}

/// A fresh Accounts API account (unverified address): its username.
pub async fn accounts_account(env: &TestEnv, email: &str) -> String {
    let name = unique_name("acc");
    let r = env
        .post(
            "/api/v1/accounts/",
            json!({"username": name, "password": PASSWORD, "firstName": "Ann",
                   "lastName": "Lee", "email": email}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    name
}

/// The sign-up body of the Users API for `email`, with a fresh username.
pub fn users_sign_up(email: &str) -> (String, Value) {
    let name = unique_name("own");
    let body = sign_up_body(&name, email);
    (name, body)
}

/// Every item of the table whose key starts with `prefix`.
pub async fn items_with(env: &TestEnv, prefix: &str) -> usize {
    env.items()
        .await
        .iter()
        .filter(|i| {
            i.get("pk")
                .and_then(|v| v.as_s().ok())
                .is_some_and(|pk| pk.starts_with(prefix))
        })
        .count()
}
