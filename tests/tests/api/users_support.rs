//! Helpers of the Users API tests: sign-up through the API with the code
//! read back from the emulator's mail, login with cookies, bearer tokens.

use axum::body::Body;
use domain::{User, UserId};
use http::{Method, Request, StatusCode};
use platform_tests::{unique_name, Reply, TestEnv};
use serde_json::{json, Value};

pub const PASSWORD: &str = "$uper&ecurePassw0rd";
pub const AGENT: &str = "Mozilla/5.0 (X11; Linux x86_64) Test";

pub async fn env() -> TestEnv {
    TestEnv::new(users::app).await
}

/// An env whose config differs (e.g. verification off, editable fields).
pub async fn env_with(edit: impl FnOnce(&mut identity::Config)) -> TestEnv {
    let mut env = env().await;
    let mut config = (*env.state.config).clone();
    edit(&mut config);
    env.state.config = std::sync::Arc::new(config);
    env.app = users::app(env.state.clone());
    env
}

pub struct Person {
    pub id: String,
    pub username: String,
    pub email: String,
}

pub fn sign_up_body(username: &str, email: &str) -> Value {
    json!({
        "username": username, "firstName": "John", "lastName": "Doe",
        "phoneCountryCode": "+44", "phone": "0000000000",
        "email": email, "password": PASSWORD
    })
}

/// Creates an account through the API (not yet verified).
pub async fn sign_up(env: &TestEnv) -> Person {
    let username = unique_name("john_doe_");
    let email = format!("{username}@example.com");
    let r = env
        .post("/user/create", sign_up_body(&username, &email))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body, json!({"ok": 1}));
    // An address is owned once verified: the account is found by its name.
    let id = env
        .state
        .store
        .username_owner(&username.to_lowercase())
        .await
        .unwrap()
        .expect("created")
        .to_string();
    Person {
        id,
        username,
        email,
    }
}

/// Creates and verifies an account.
pub async fn verified(env: &TestEnv) -> Person {
    let p = sign_up(env).await;
    let code = last_code(env, &p.email).await;
    let r = env
        .post("/user/verify-email", json!({ "code": code }))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    p
}

/// The code in the newest email to `to` (the word after "code is ").
pub async fn last_code(env: &TestEnv, to: &str) -> String {
    let mails = env.emails_to(to).await;
    let (_, body) = mails.last().expect("an email was sent");
    code_in(body).unwrap_or_else(|| panic!("no code in {body}"))
}

pub fn code_in(body: &str) -> Option<String> {
    let rest = body.split("code is ").nth(1)?;
    Some(
        rest.split(|c: char| c.is_whitespace() || c == '\\' || c == '<')
            .next()?
            .to_owned(),
    )
}

pub async fn user(env: &TestEnv, id: &str) -> User {
    env.state
        .store
        .get_user(&UserId::parse(id).unwrap())
        .await
        .unwrap()
        .unwrap()
}

pub async fn login(env: &TestEnv, p: &Person) -> Reply {
    env.post(
        "/user/login",
        json!({"username": p.username, "password": PASSWORD, "userAgent": AGENT}),
    )
    .await
}

/// The session cookie a reply sets, as `sid=…` to send back.
pub fn cookie(r: &Reply) -> String {
    let set = r
        .headers
        .get("set-cookie")
        .expect("a cookie is set")
        .to_str()
        .unwrap();
    set.split(';').next().unwrap().to_owned()
}

pub async fn session(env: &TestEnv, p: &Person) -> String {
    let r = login(env, p).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    cookie(&r)
}

pub async fn token(env: &TestEnv, p: &Person, scopes: &[&str]) -> String {
    identity::jwt::mint_for_user(&env.state.access_tokens, &user(env, &p.id).await, scopes)
        .await
        .unwrap()
}

/// A request with extra headers (cookie, authorization).
pub async fn call(
    env: &TestEnv,
    method: Method,
    uri: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> Reply {
    env.send(request(method, uri, body, headers)).await
}

/// The request [`call`] sends (a JSON body, when given).
pub fn request(
    method: Method,
    uri: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> Request<Body> {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let body = match body {
        Some(v) => {
            req = req.header("content-type", "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    req.body(body).unwrap()
}

pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

pub fn assert_error(r: &Reply, status: StatusCode, code: &str) {
    assert_eq!(r.status, status, "{:?}", r.body);
    assert_eq!(r.body["ok"], 0, "{:?}", r.body);
    assert_eq!(r.body["code"], code, "{:?}", r.body);
    assert!(r.body["error"].is_string(), "{:?}", r.body);
}
