//! Signing in through a social network on the hosted pages, against a real
//! OpenID provider (oidc-provider-mock, `FEDERATION_ISSUER`; `make test`
//! starts it): registration, a linked account signing in again, and every
//! refusal with nothing written.

use crate::pages_support::{env, html, location, signed_in, signed_up, Browser, PASSWORD};
use crate::sites_support::rel;
use http::StatusCode;
use identity::api_key::{self, Permission};
use platform_tests::{unique_name, Reply, TestEnv};
use serde_json::{json, Value};

fn issuer() -> String {
    std::env::var("FEDERATION_ISSUER").expect("FEDERATION_ISSUER: run with `make test`")
}

/// A network made through the Social Networks API; its id.
async fn create_network(env: &TestEnv, body: Value) -> u64 {
    let (key, _) = api_key::create(&env.state.store, "t", vec![Permission::Write])
        .await
        .unwrap();
    let req = http::Request::post("/api/social-networks")
        .header("x-api-key", key.expose())
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    let r = env.send(req).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.body["social_network"]["id"].as_u64().unwrap()
}

/// An `oidc` network at the provider; its id.
async fn network(env: &TestEnv, allow_to_register: bool, enabled: bool) -> u64 {
    let settings = json!({"keys": {"client_id": "platform", "client_secret": "s3cret-value-xyz",
                                   "issuer": issuer()}});
    let icon = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
    create_network(
        env,
        json!({"key": "oidc", "settings": settings.to_string(), "icon": icon,
               "allow_to_register": allow_to_register, "enabled": enabled}),
    )
    .await
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// `sub` (with `claims`) signs in at the provider the start sent the
/// browser to; the callback path and query it redirects back to.
async fn at_provider(start: &Reply, sub: &str, claims: Value) -> String {
    assert_eq!(start.status, StatusCode::SEE_OTHER, "{}", html(start));
    let url = location(start).to_owned();
    assert!(url.starts_with(&issuer()), "{url}");
    let put = http()
        .put(format!("{}/users/{sub}", issuer()))
        .json(&claims)
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 204);
    let r = http()
        .post(&url)
        .form(&[("sub", sub)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
    rel(r.headers()["location"].to_str().unwrap())
}

async fn through(env: &TestEnv, b: &mut Browser, id: u64, sub: &str, claims: Value) -> Reply {
    let start = b
        .get(env, &format!("/signin/network/{id}?return_to=%2Faccount"))
        .await;
    let back = at_provider(&start, sub, claims).await;
    b.get(env, &back).await
}

#[tokio::test]
async fn a_new_person_registers_then_signs_in_again() {
    let env = env().await;
    let id = network(&env, true, true).await;
    let sub = unique_name("idp_");
    let email = format!("{sub}@example.com");
    let claims = json!({"email": email, "email_verified": true, "name": "Nia Okafor"});

    let page = Browser::default().get(&env, "/signin").await;
    // (minijinja escapes the slashes of the link.)
    assert!(
        html(&page).contains(&format!("network&#x2f;{id}?return_to")),
        "{}",
        html(&page)
    );
    assert!(html(&page).contains("Sign in with OpenID Connect"));

    let mut b = Browser::default();
    let r = through(&env, &mut b, id, &sub, claims.clone()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    assert_eq!(location(&r), "/account");
    assert!(b.cookies.contains_key("sid"));
    let account = b.get(&env, "/account").await;
    assert!(html(&account).contains("Nia"), "{}", html(&account));
    let owner = env.state.store.email_owner(&email).await.unwrap();
    assert!(owner.is_some(), "the asserted address is verified");

    // Signing in again finds the same account.
    let mut again = Browser::default();
    let r = through(&env, &mut again, id, &sub, claims).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    let users = NetworksView::of(&env, id).await;
    assert_eq!(users, 1);
}

/// The network's `users_count`.
struct NetworksView;

impl NetworksView {
    async fn of(env: &TestEnv, id: u64) -> u64 {
        socialnetworks::store::NetworksStore::new(&env.state.store)
            .get_network(id)
            .await
            .unwrap()
            .unwrap()
            .users_count()
    }
}

#[tokio::test]
async fn foreign_and_tampered_callbacks_sign_nobody_in() {
    let env = env().await;
    let open = network(&env, true, true).await;
    // Another browser's callback, and a tampered state.
    let mut b = Browser::default();
    let start = b.get(&env, &format!("/signin/network/{open}")).await;
    let back = at_provider(&start, "mallory", json!({"email": "m@example.com"})).await;
    let r = Browser::default().get(&env, &back).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(html(&r).contains("not started in this browser"));
    let forged = back.replace("state=", "state=x");
    assert_eq!(b.get(&env, &forged).await.status, StatusCode::FORBIDDEN);

    // A response naming another issuer.
    let mut b = Browser::default();
    let start = b.get(&env, &format!("/signin/network/{open}")).await;
    let back = at_provider(&start, "mallory", json!({"email": "m@example.com"})).await;
    let r = b
        .get(&env, &format!("{back}&iss=https%3A%2F%2Fevil.example"))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", html(&r));
    assert!(!b.cookies.contains_key("sid"));
}

#[tokio::test]
async fn closed_and_disabled_networks_say_so() {
    let env = env().await;
    let closed = network(&env, false, true).await;
    let off = oauth2_network(&env, false).await;
    let before = env.snapshot().await;
    let claims = json!({"email": "new@example.com", "email_verified": true});
    let r = through(
        &env,
        &mut Browser::default(),
        closed,
        &unique_name("idp_"),
        claims,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(html(&r).contains("cannot be used to create new accounts"));
    let r = Browser::default()
        .get(&env, &format!("/signin/network/{off}"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(html(&r).contains("turned off"));
    assert_eq!(
        Browser::default()
            .get(&env, "/signin/network/999999")
            .await
            .status,
        404
    );
    assert_eq!(env.snapshot().await, before);
}

/// An `oauth2` network: the same provider as a plain OAuth 2.0 one (who
/// signed in read from its userinfo URL under a claim mapping).
async fn oauth2_network(env: &TestEnv, enabled: bool) -> u64 {
    let base = issuer();
    let settings = json!({"keys": {"client_id": "platform", "client_secret": "s3cret-value-xyz",
        "authorization_endpoint": format!("{base}/oauth2/authorize"),
        "token_endpoint": format!("{base}/oauth2/token"), "userinfo_endpoint": format!("{base}/userinfo"),
        "scope": "openid email profile", "claim_email_verified": "email_verified"}});
    let body =
        json!({"key": "oauth2", "settings": settings.to_string(), "icon": "x", "enabled": enabled});
    create_network(env, body).await
}

#[tokio::test]
async fn an_unvouched_address_waits_for_its_code_and_2fa_still_holds() {
    let env = env().await;
    let id = network(&env, true, true).await;
    let sub = unique_name("idp_");
    let email = format!("{sub}@example.com");
    // The provider does not assert the address: the account waits for it.
    let claims = json!({"email": email, "name": "Quinn"});
    let r = through(&env, &mut Browser::default(), id, &sub, claims.clone()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", html(&r));
    assert!(html(&r).contains("Verify your email address first"));
    let code = crate::users_support::last_code(&env, &email).await;
    let mut b = Browser::default();
    let verified = b.post(&env, "/verify-email", &[("code", &code)]).await;
    assert_eq!(
        verified.status,
        StatusCode::SEE_OTHER,
        "{}",
        html(&verified)
    );

    // Verified, then 2FA on: the network's sign-in stops at the code step.
    let owner = env.state.store.email_owner(&email).await.unwrap().unwrap();
    env.state
        .store
        .set_user_flag(&owner, table::UserFlag::TwoFactor, true)
        .await
        .unwrap();
    let mut c = Browser::default();
    let r = through(&env, &mut c, id, &sub, claims).await;
    assert_eq!(r.status, StatusCode::OK, "{}", html(&r));
    assert!(html(&r).contains("name=\"challenge\""));
    assert!(!c.cookies.contains_key("sid"));
}

#[tokio::test]
async fn an_id_token_for_another_sign_in_proves_nobody() {
    let env = env().await;
    let id = network(&env, true, true).await;
    let mut b = Browser::default();
    let start = b.get(&env, &format!("/signin/network/{id}")).await;
    // The stored half of the sign-in now expects another nonce.
    let state = b.cookies["nstate"].clone();
    let hash = domain::opaque::hash_secret(&state);
    let mut pending = env
        .state
        .store
        .take_network_signin(&hash)
        .await
        .unwrap()
        .unwrap();
    pending.nonce = "another-sign-ins-nonce".into();
    env.state
        .store
        .put_network_signin(&hash, &pending)
        .await
        .unwrap();
    let claims = json!({"email": "n@example.com", "email_verified": true});
    let back = at_provider(&start, &unique_name("idp_"), claims).await;
    let r = b.get(&env, &back).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", html(&r));
    assert!(!b.cookies.contains_key("sid"));
    assert!(env
        .state
        .store
        .email_owner("n@example.com")
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn a_plain_oauth2_network_signs_in_through_userinfo() {
    let env = env().await;
    let id = oauth2_network(&env, true).await;
    let sub = unique_name("oa_");
    let email = format!("{sub}@example.com");
    let claims = json!({"email": email, "email_verified": true, "name": "Ola Nordmann"});
    let mut b = Browser::default();
    let r = through(&env, &mut b, id, &sub, claims).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    assert!(b.cookies.contains_key("sid"));
    assert!(env.state.store.email_owner(&email).await.unwrap().is_some());
    assert_eq!(NetworksView::of(&env, id).await, 1);
}

#[tokio::test]
async fn an_address_owner_links_only_after_signing_in() {
    let env = env().await;
    let id = network(&env, true, true).await;
    let p = signed_up(&env).await;
    let sub = unique_name("idp_");
    let claims = json!({"email": p.email, "email_verified": true, "preferred_username": "pat"});
    let mut b = Browser::default();
    let r = through(&env, &mut b, id, &sub, claims.clone()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    assert!(location(&r).starts_with("/signin?return_to=%2Faccount%2Fnetworks%2Fconfirm"));
    assert!(
        !b.cookies.contains_key("sid"),
        "no sign-in by the address alone"
    );
    assert_eq!(NetworksView::of(&env, id).await, 0);

    let r = b
        .sign_in(&env, &p.username, PASSWORD, "/account/networks/confirm")
        .await;
    assert_eq!(location(&r), "/account/networks/confirm");
    let ask = b.get(&env, "/account/networks/confirm").await;
    assert!(html(&ask).contains("Link the"), "{}", html(&ask));
    assert!(html(&ask).contains("pat"));
    let r = b.post(&env, "/account/networks/confirm", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    assert!(location(&r).contains("notice=network_linked"));
    assert_eq!(NetworksView::of(&env, id).await, 1);
    // The offer is spent; the network now signs the owner in.
    let again = b.post(&env, "/account/networks/confirm", &[]).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let mut c = Browser::default();
    let r = through(&env, &mut c, id, &sub, claims).await;
    assert_eq!(location(&r), "/account");
    let account = c.get(&env, "/account").await;
    assert!(html(&account).contains(&p.username));
}

/// Posts the account page's form `action` for network `id`.
async fn account_form(env: &TestEnv, b: &mut Browser, action: &str, id: u64) -> Reply {
    let path = format!("/account/networks/{action}");
    b.post(env, &path, &[("network", &id.to_string())]).await
}

#[tokio::test]
async fn the_account_page_links_and_unlinks_a_network() {
    let env = env().await;
    let id = network(&env, true, true).await;
    let p = signed_up(&env).await;
    let mut b = signed_in(&env, &p).await;
    let page = b.get(&env, "/account").await;
    assert!(html(&page).contains("Sign-in networks") && html(&page).contains("not linked"));

    let start = account_form(&env, &mut b, "link", id).await;
    let sub = unique_name("idp_");
    let back = at_provider(&start, &sub, json!({"email": "other@example.com"})).await;
    // Finished in another browser: refused, nothing linked.
    let mut stranger = Browser::default();
    stranger
        .cookies
        .insert("nstate".into(), b.cookies["nstate"].clone());
    assert_eq!(
        stranger.get(&env, &back).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(NetworksView::of(&env, id).await, 0);

    let start = account_form(&env, &mut b, "link", id).await;
    let back = at_provider(&start, &sub, json!({"email": "other@example.com"})).await;
    let r = b.get(&env, &back).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    assert!(location(&r).contains("notice=network_linked"));
    assert_eq!(NetworksView::of(&env, id).await, 1);
    let page = b.get(&env, "/account").await;
    assert!(html(&page).contains("Unlink"));

    // Bad forms change nothing.
    let before = env.snapshot().await;
    let r = b
        .post(&env, "/account/networks/unlink", &[("network", "x")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = b
        .post_raw(
            &env,
            "/account/networks/unlink",
            &[("network", &id.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(env.snapshot().await, before);

    let r = account_form(&env, &mut b, "unlink", id).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    assert_eq!(NetworksView::of(&env, id).await, 0);
    let r = account_form(&env, &mut b, "unlink", id).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
