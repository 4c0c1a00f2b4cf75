//! One identity, one auth core, across surfaces, through the dev server's
//! routers: sign up (Users API) → verify by emailed code → login (cookie)
//! → authorize → token → /user/me → refresh → logout / logout-all, after
//! which every token the user held, the Accounts API's included, fails on
//! its very next use.

use crate::users_support::{cookie, last_code, login, sign_up, Person, PASSWORD};
use axum::body::Body;
use http::{Method, Request, StatusCode};
use platform_tests::{Reply, TestEnv};
use serde_json::json;
use table::ClientType;

const REDIRECT: &str = "https://client.example.com/callback";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const SCOPES: &str = "delegated:profile:read delegated:profile:write";

fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

async fn get(env: &TestEnv, uri: &str, header: (&str, &str)) -> Reply {
    env.send(
        Request::builder()
            .uri(uri)
            .header(header.0, header.1)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

async fn post_with(env: &TestEnv, uri: &str, header: (&str, &str)) -> Reply {
    env.send(
        Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header.0, header.1)
            .header("content-type", "application/json")
            .body(Body::from("{}"))
            .unwrap(),
    )
    .await
}

async fn token(env: &TestEnv, pairs: &[(&str, &str)]) -> Reply {
    env.send(
        Request::builder()
            .method(Method::POST)
            .uri("/oauth/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(form(pairs)))
            .unwrap(),
    )
    .await
}

/// authorize → token for the signed-in `cookie`: (access, refresh).
async fn grant(env: &TestEnv, client_id: &str, cookie: &str) -> (String, String) {
    let query = form(&[
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", REDIRECT),
        ("scope", SCOPES),
        ("state", "xyz"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ]);
    let r = get(
        env,
        &format!("/oauth/authorize?{query}"),
        ("cookie", cookie),
    )
    .await;
    assert_eq!(r.status, StatusCode::FOUND, "{:?}", r.body);
    let location = r.headers["location"].to_str().unwrap();
    let url = url::Url::parse(location).unwrap();
    let code = url
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code");
    let r = token(
        env,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("client_id", client_id),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    (
        r.body["access_token"].as_str().unwrap().to_owned(),
        r.body["refresh_token"].as_str().unwrap().to_owned(),
    )
}

async fn me(env: &TestEnv, access: &str) -> Reply {
    get(
        env,
        "/user/me",
        ("authorization", &format!("Bearer {access}")),
    )
    .await
}

async fn refresh(env: &TestEnv, client_id: &str, refresh_token: &str) -> Reply {
    token(
        env,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", client_id),
        ],
    )
    .await
}

/// A verified user signed in with a cookie: (person, cookie).
async fn signed_in(env: &TestEnv) -> (Person, String) {
    let p = sign_up(env).await;
    let code = last_code(env, &p.email).await;
    let r = env
        .post("/user/verify-email", json!({ "code": code }))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = login(env, &p).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let c = cookie(&r);
    (p, c)
}

#[tokio::test]
async fn sign_up_to_logout_all_voids_every_token_of_every_surface_at_once() {
    let env = TestEnv::new(dev_server::app).await;
    let client = platform_tests::first_party_client(
        &env.state.store,
        "identity flow",
        ClientType::Public,
        &[REDIRECT.to_owned()],
        &SCOPES.split(' ').map(str::to_owned).collect::<Vec<_>>(),
    )
    .await
    .unwrap()
    .client
    .client_id;
    let (p, cookie) = signed_in(&env).await;

    let (access, refresh_token) = grant(&env, &client, &cookie).await;
    let r = me(&env, &access).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["data"]["user"][0]["_id"], p.id.as_str());
    let r = refresh(&env, &client, &refresh_token).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let access2 = r.body["access_token"].as_str().unwrap().to_owned();
    let refresh2 = r.body["refresh_token"].as_str().unwrap().to_owned();

    // The same person through the Accounts API: one identity.
    let r = env
        .post(
            "/api/v1/accounts/auth",
            json!({"username": p.username, "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["result"]["id"], p.id.as_str());
    let account_token = r.body["result"]["token"].as_str().unwrap().to_owned();
    assert_eq!(
        env.get(&format!("/api/v1/accounts/{account_token}"))
            .await
            .status,
        StatusCode::OK
    );

    let r = post_with(
        &env,
        "/user/logout-all",
        ("authorization", &format!("Bearer {access2}")),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);

    // Every token, of every kind, fails on its very next use.
    for a in [&access, &access2] {
        assert_eq!(me(&env, a).await.status, StatusCode::UNAUTHORIZED);
    }
    let r = refresh(&env, &client, &refresh2).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
    assert_eq!(r.body["error"], "invalid_grant");
    let r = env.get(&format!("/api/v1/accounts/{account_token}")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{:?}", r.body);
    // The cookie session is void too.
    let r = post_with(&env, "/user/logout", ("cookie", &cookie)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn logout_ends_the_session_and_the_tokens_it_issued_but_no_other() {
    let env = TestEnv::new(dev_server::app).await;
    let client = platform_tests::first_party_client(
        &env.state.store,
        "logout flow",
        ClientType::Public,
        &[REDIRECT.to_owned()],
        &SCOPES.split(' ').map(str::to_owned).collect::<Vec<_>>(),
    )
    .await
    .unwrap()
    .client
    .client_id;
    let (p, cookie) = signed_in(&env).await;
    let (access, refresh_token) = grant(&env, &client, &cookie).await;
    // A second session (another device) with its own grant.
    let r = login(&env, &p).await;
    let other_cookie = cookie_of(&r);
    let (other_access, other_refresh) = grant(&env, &client, &other_cookie).await;

    let r = post_with(&env, "/user/logout", ("cookie", &cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body, json!({"ok": 1}));

    assert_eq!(me(&env, &access).await.status, StatusCode::UNAUTHORIZED);
    let r = refresh(&env, &client, &refresh_token).await;
    assert_eq!(r.body["error"], "invalid_grant", "{:?}", r.body);
    // The other device is untouched.
    assert_eq!(me(&env, &other_access).await.status, StatusCode::OK);
    let r = refresh(&env, &client, &other_refresh).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = post_with(&env, "/user/logout", ("cookie", &other_cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
}

fn cookie_of(r: &Reply) -> String {
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    cookie(r)
}
