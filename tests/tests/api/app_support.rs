//! Helpers of the App Users API tests: form requests with a session
//! cookie or an API key, a registered user, keys.

use axum::body::Body;
use domain::{User, UserId};
use http::{Method, Request};
use identity::api_key::{self, Permission};
use identity::AppState;
use platform_tests::{unique_name, Reply, TestEnv};

/// A fresh table with the whole platform's routes and the seeded
/// country / city catalogue.
pub async fn env() -> TestEnv {
    let env = TestEnv::new(dev_server::app).await;
    app::store::AppStore::new(&env.state.store)
        .seed_catalogue()
        .await
        .unwrap();
    env
}

/// Credentials a request carries.
#[derive(Clone, Copy, Default)]
pub struct As<'a> {
    pub cookie: Option<&'a str>,
    pub key: Option<&'a str>,
    pub origin: Option<&'a str>,
}

pub fn cookie(c: &str) -> As<'_> {
    As {
        cookie: Some(c),
        ..As::default()
    }
}

pub fn with_key(k: &str) -> As<'_> {
    As {
        key: Some(k),
        ..As::default()
    }
}

/// POSTs a form body.
pub async fn form(env: &TestEnv, path: &str, body: &str, who: As<'_>) -> Reply {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("host", "app.example.com")
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(c) = who.cookie {
        req = req.header("cookie", format!("sid={c}"));
    }
    if let Some(k) = who.key {
        req = req.header("x-api-key", k);
    }
    if let Some(o) = who.origin {
        req = req.header("origin", o);
    }
    env.send(req.body(Body::from(body.to_owned())).unwrap())
        .await
}

/// POSTs a JSON body.
pub async fn json(env: &TestEnv, path: &str, body: serde_json::Value, who: As<'_>) -> Reply {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("content-type", "application/json");
    if let Some(c) = who.cookie {
        req = req.header("cookie", format!("sid={c}"));
    }
    if let Some(k) = who.key {
        req = req.header("x-api-key", k);
    }
    env.send(req.body(Body::from(body.to_string())).unwrap())
        .await
}

/// The `sid` a response sets.
pub fn sid(reply: &Reply) -> String {
    let set = reply.headers["set-cookie"].to_str().unwrap();
    set.trim_start_matches("sid=")
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

pub struct Registered {
    pub name: String,
    pub email: String,
    pub seq: u64,
    pub sid: String,
}

pub const PASSWORD: &str = "securepassword";

/// Registers a fresh user through the App API (country 1, city 1).
pub async fn register(env: &TestEnv) -> Registered {
    let name = unique_name("app_");
    let email = format!("{name}@example.com");
    let r = form(
        env,
        "/api/action/register/",
        &format!(
            "username={name}&email={email}&password={PASSWORD}&first_name=John&last_name=Doe&country=1&city=1"
        ),
        As::default(),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    Registered {
        seq: r.body["user_id"].as_u64().unwrap(),
        sid: sid(&r),
        name,
        email,
    }
}

/// Proves a registration's address: asking for one's own address sends
/// it a code, redeemed where every code is (`/user/verify-email`).
pub async fn verify_address(env: &TestEnv, a: &Registered) {
    let r = form(
        env,
        "/api/update/profile/",
        &format!("email={}", a.email),
        cookie(&a.sid),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let code = crate::users_support::last_code(env, &a.email).await;
    let r = env
        .post("/user/verify-email", serde_json::json!({ "code": code }))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

pub async fn user(state: &AppState, seq: u64) -> User {
    let id: UserId = state.store.user_id_by_seq(seq).await.unwrap().unwrap();
    state.store.get_user(&id).await.unwrap().unwrap()
}

pub async fn key_with(env: &TestEnv, permissions: Vec<Permission>) -> String {
    let (key, _) = api_key::create(&env.state.store, "app-tests", permissions)
        .await
        .unwrap();
    key.expose().to_owned()
}

pub async fn full_key(env: &TestEnv) -> String {
    key_with(env, vec![Permission::Read, Permission::Write]).await
}

/// The App Users API events (events/app/): the catalogue; user A
/// (`events_app_a`, password `events-pass`, integer id 9201:
/// `{{APP_USERNAME}}`, `{{APP_EMAIL}}`, `{{APP_USER_ID}}`) with two
/// sessions (`{{APP_SESSION}}`, `{{APP_SESSION_LOGOUT}}`) and notification
/// `{{APP_NOTIFICATION_ID}}`; user B (9202, `{{APP_OTHER_ID}}`) to ban and
/// force out. The API key is the Social Networks seed's `{{API_KEY}}`.
pub async fn seed_events(env: &TestEnv) -> Vec<(&'static str, String)> {
    use app::store::{AppStore, NotificationRecord};
    use identity::session;
    let store = &env.state.store;
    AppStore::new(store).seed_catalogue().await.unwrap();
    let hash = domain::password_hash::hash("events-pass").await;
    let mut users = Vec::new();
    for (seq, name) in [(9201, "a"), (9202, "b")] {
        let u = User::new(
            seq,
            format!("events_app_{name}"),
            format!("events.app.{name}@example.com"),
            hash.clone(),
        );
        users.push(store.create_user(&u, None).await.unwrap());
    }
    let mut sessions = Vec::new();
    for _ in 0..2 {
        let issued = identity::issue(session::KIND, &users[0].id, session::TTL_SECS);
        store.put_token(&issued.hash, &issued.record).await.unwrap();
        sessions.push(issued.token.expose().to_owned());
    }
    let record = NotificationRecord {
        id: 456,
        user_id: 9201,
        title: "New Campaign Available".into(),
        message: "A new fashion campaign is available".into(),
        kind: "campaign".into(),
        read: false,
        created_at: domain::time::now(),
        data: None,
        unsubscribe_hash: None,
    };
    AppStore::new(store)
        .send_notification(&users[0], &record, None)
        .await
        .unwrap();
    vec![
        ("APP_SESSION", sessions[0].clone()),
        ("APP_SESSION_LOGOUT", sessions[1].clone()),
        ("APP_NOTIFICATION_ID", "456".into()),
        ("APP_USERNAME", users[0].username.clone()),
        ("APP_EMAIL", users[0].email.clone()),
        ("APP_USER_ID", users[0].seq.to_string()),
        ("APP_OTHER_ID", users[1].seq.to_string()),
    ]
}
