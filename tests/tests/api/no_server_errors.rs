//! "No input may produce a 500": every route of every function, with valid
//! and junk path parameters, valid credentials of every kind attached, and
//! bodies and query strings of every wrong shape — malformed JSON, wrong
//! types for every field name the documents use, huge values, invalid
//! UTF-8, mismatched content types. Nothing may answer 5xx.

use axum::body::Body;
use axum::Router;
use domain::scopes;
use domain::{User, UserId};
use http::Request;
use identity::api_key::{self, Permission};
use identity::AppState;
use identity::{jwt, session};
use platform_tests::{unique_name, TestEnv};
use serde_json::{json, Map, Value};
use tower::ServiceExt;
use web::Route;

/// Field names across the five documents.
const FIELDS: &[&str] = &[
    "username",
    "password",
    "firstName",
    "lastName",
    "middleName",
    "email",
    "studyGroup",
    "preferences",
    "accountId",
    "newRole",
    "id",
    "code",
    "target",
    "state",
    "sessionHash",
    "userAgent",
    "phone",
    "phoneCountryCode",
    "role",
    "key",
    "settings",
    "cooldown_time",
    "allow_to_register",
    "icon",
    "enabled",
    "user_id",
    "value",
    "login",
    "name",
    "url",
    "registration",
    "grant_type",
    "client_id",
    "client_secret",
    "redirect_uri",
    "token",
    "refresh_token",
    "code_verifier",
    "code_challenge",
    "code_challenge_method",
    "scope",
    "response_type",
    "token_type_hint",
    "page",
    "per_page",
    "limit",
    "cursor",
    "offset",
    "request",
    "entry",
    "query",
    "profilePicture",
    // Sites API
    "identifier",
    "label",
    "status",
    "is_admin",
    "fields",
    "first_name",
    "last_name",
    "country",
    "city",
    "language",
    "categories",
    "networks",
    "sex",
    "birth_date",
    "timezone",
    "session",
    "banned",
    "reason",
    "title",
    "message",
    "type",
    "data",
    "ids",
    "new_campaign",
];

fn wrong_values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!(-1),
        json!(1e308),
        json!(12345678901234567890u64),
        json!(""),
        json!("x".repeat(5000)),
        json!("🦀\u{0}\u{202e}'\"<>%00"),
        json!([]),
        json!({}),
        json!([{"a": 1}]),
    ]
}

/// Bodies of every wrong shape: (content type, bytes).
fn bodies() -> Vec<(&'static str, Vec<u8>)> {
    let mut out: Vec<(&str, Vec<u8>)> = vec![
        ("application/json", Vec::new()),
        ("application/json", b"{".to_vec()),
        ("application/json", b"null".to_vec()),
        ("application/json", b"[]".to_vec()),
        ("application/json", b"[{},{}]".to_vec()),
        ("application/json", b"\"str\"".to_vec()),
        ("application/json", b"\xff\xfe\xfd".to_vec()),
        (
            "application/x-www-form-urlencoded",
            b"a=%ff%fe&&=&username[]=1&page=-1".to_vec(),
        ),
        (
            "application/x-www-form-urlencoded",
            b"{\"json\": \"as form\"}".to_vec(),
        ),
        ("text/plain", b"hello".to_vec()),
        ("multipart/form-data; boundary=x", b"--x\r\nbroken".to_vec()),
        ("image/png", b"\x89PNG\r\n\x1a\nnot really".to_vec()),
    ];
    for v in wrong_values() {
        let obj: Map<String, Value> = FIELDS.iter().map(|f| (f.to_string(), v.clone())).collect();
        out.push((
            "application/json",
            Value::Object(obj.clone()).to_string().into_bytes(),
        ));
        out.push((
            "application/json",
            json!([Value::Object(obj)]).to_string().into_bytes(),
        ));
    }
    let form: String = FIELDS
        .iter()
        .map(|f| format!("{f}=%F0%9F%A6%80&{f}=-99999999999999999999"))
        .collect::<Vec<_>>()
        .join("&");
    out.push(("application/x-www-form-urlencoded", form.into_bytes()));
    out
}

const QUERIES: &[&str] = &[
    "",
    "?page=-1&per_page=1000000&limit=-5&offset=x&cursor=%25%25%25",
    "?page=99999999999999999999&per_page=0&limit=0&cursor=e30",
    "?id=&username=&email=&state=&code=&client_id=&redirect_uri=&scope=&response_type=&code_challenge=&code_challenge_method=",
    "?id=575b3581aa87dd1cd0e137ab&username=x%00y&email=a%40b&response_type=token&client_id=cl_x&redirect_uri=javascript:alert(1)&scope=%F0%9F%A6%80",
];

/// Credentials of every kind for one real user: (accounts token, headers).
async fn credentials(env: &TestEnv) -> (String, Vec<(&'static str, String)>) {
    let name = unique_name("fuzz_user_");
    let r = env
        .post(
            "/api/v1/accounts/",
            json!({"username": &name[..16], "password": "s3cret-pass", "firstName": "F",
                   "lastName": "Z", "email": format!("{name}@example.com")}),
        )
        .await;
    let token = r.body["result"]["token"]
        .as_str()
        .unwrap_or("none")
        .to_owned();
    let id = r.body["result"]["id"]
        .as_str()
        .unwrap_or("575b3581aa87dd1cd0e137ab")
        .to_owned();
    let user: User = env
        .state
        .store
        .get_user(&UserId::parse(&id).unwrap())
        .await
        .unwrap()
        .expect("the fuzz user exists");
    let bearer = jwt::mint_for_user(&env.state.access_tokens, &user, scopes::ALL)
        .await
        .unwrap();
    let (key, _) = api_key::create(
        &env.state.store,
        "fuzz",
        vec![Permission::Read, Permission::Write],
    )
    .await
    .unwrap();
    let issued = identity::issue(session::KIND, &user.id, 3600);
    env.state
        .store
        .put_token(&issued.hash, &issued.record)
        .await
        .unwrap();
    let headers = vec![
        ("authorization", format!("Bearer {bearer}")),
        ("x-api-key", key.expose().to_owned()),
        (
            "cookie",
            format!("{}={}", session::COOKIE_NAME, issued.token.expose()),
        ),
    ];
    (token, headers)
}

fn paths(route: &Route, token: &str) -> Vec<String> {
    let fill = |value: &str| {
        let mut p = route.path.to_owned();
        while let (Some(a), Some(b)) = (p.find('{'), p.find('}')) {
            let name = &p[a + 1..b];
            let v = if name == "token" && value == "VALID" {
                token.to_owned()
            } else if value == "VALID" {
                "1".to_owned()
            } else {
                value.to_owned()
            };
            p.replace_range(a..=b, &v);
        }
        p
    };
    if !route.path.contains('{') {
        return vec![route.path.to_owned()];
    }
    [
        "VALID",
        "-1",
        "99999999999999999999999",
        "%F0%9F%A6%80%00",
        "575b3581aa87dd1cd0e137ab",
    ]
    .iter()
    .map(|v| fill(v))
    .collect()
}

async fn sweep(name: &str, app: fn(AppState) -> Router, routes: Vec<Route>) {
    let env = TestEnv::new(dev_server::app).await;
    let (token, headers) = credentials(&env).await;
    let app = app(env.state.clone());
    let mut failures = Vec::new();
    let mut sent = 0;
    for route in &routes {
        for path in paths(route, &token) {
            for query in QUERIES {
                for (i, (content_type, body)) in bodies().into_iter().enumerate() {
                    // Bodies vary on the first query only; queries vary with one body.
                    if !query.is_empty() && i > 0 {
                        continue;
                    }
                    for with_credentials in [true, false] {
                        let mut req = Request::builder()
                            .method(route.method.clone())
                            .uri(format!("{path}{query}"))
                            .header("content-type", content_type);
                        if with_credentials {
                            for (h, v) in &headers {
                                req = req.header(*h, v);
                            }
                        }
                        let res = app
                            .clone()
                            .oneshot(req.body(Body::from(body.clone())).unwrap())
                            .await
                            .unwrap();
                        sent += 1;
                        if res.status().is_server_error() {
                            failures.push(format!(
                                "{} {}{} [{content_type}, body #{i}, credentials {with_credentials}] -> {}",
                                route.method,
                                path,
                                query,
                                res.status()
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{name}: {} of {sent} requests answered 5xx:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{name}: {sent} requests, none answered 5xx");
}

#[tokio::test]
async fn accounts_answers_no_5xx() {
    sweep(
        "accounts",
        accounts::app,
        accounts::route_table().routes().to_vec(),
    )
    .await;
}

#[tokio::test]
async fn users_answers_no_5xx() {
    sweep("users", users::app, users::route_table().routes().to_vec()).await;
}

#[tokio::test]
async fn oauth_answers_no_5xx() {
    sweep("oauth", oauth::app, oauth::route_table().routes().to_vec()).await;
}

#[tokio::test]
async fn socialnetworks_answers_no_5xx() {
    sweep(
        "socialnetworks",
        socialnetworks::app,
        socialnetworks::route_table().routes().to_vec(),
    )
    .await;
}

#[tokio::test]
async fn app_answers_no_5xx() {
    sweep("app", app::app, app::route_table().routes().to_vec()).await;
}

#[tokio::test]
async fn sites_answers_no_5xx() {
    sweep("sites", sites::app, sites::route_table().routes().to_vec()).await;
}

#[tokio::test]
async fn pages_answers_no_5xx() {
    sweep("pages", pages::app, pages::route_table().routes().to_vec()).await;
}
