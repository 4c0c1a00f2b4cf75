//! Account deletion and data export (`DELETE /user/me`, `POST
//! /user/me/export`, the cascade in `functions/lifecycle`): a user with
//! data on every surface is deleted, then a full scan of the table finds
//! nothing naming them but the tombstone, and everyone else's counters are
//! exact.

use crate::users_support::{bearer, call, cookie, login, token, verified, Person, PASSWORD};
use aws_sdk_dynamodb::types::AttributeValue;
use domain::scopes::PROFILE_READ;
use domain::UserId;
use http::{Method, StatusCode};
use platform_tests::TestEnv;
use serde_json::{json, Value};
use std::time::Duration;

async fn env() -> TestEnv {
    TestEnv::new(dev_server::app).await
}

/// Runs the worker until no job is left (what the stream trigger does).
async fn drain(env: &TestEnv) {
    for _ in 0..200 {
        if env.state.store.pending_jobs(10).await.unwrap().is_empty() {
            return;
        }
        lifecycle::sweep(&env.state, Duration::from_secs(5))
            .await
            .unwrap();
    }
    panic!("the lifecycle jobs did not finish");
}

async fn user_of(env: &TestEnv, p: &Person) -> Option<domain::User> {
    let id = UserId::parse(&p.id).unwrap();
    env.state.store.get_user(&id).await.unwrap()
}

async fn follow(env: &TestEnv, who: &str, target: &Person) {
    let r = call(
        env,
        Method::POST,
        "/user/follow",
        Some(json!({ "target": target.id })),
        &[("authorization", who)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
}

/// A full scan of the table: no item but the tombstone and the audit log
/// names any of `needles` (a deleted account's id, username, address).
async fn assert_forgotten(env: &TestEnv, needles: &[String]) {
    for item in env.items().await {
        let pk = item["pk"].as_s().unwrap();
        if pk.starts_with("TOMBSTONE#") || pk.starts_with("AUDIT#") {
            continue;
        }
        assert!(
            !item.values().any(|v| names(v, needles)),
            "an item still names the deleted user: {item:?}"
        );
    }
}

/// Whether any attribute of `item` (deep) names `needles`.
fn names(value: &AttributeValue, needles: &[String]) -> bool {
    match value {
        AttributeValue::S(s) => needles.iter().any(|n| s.to_lowercase().contains(n)),
        AttributeValue::M(m) => m.values().any(|v| names(v, needles)),
        AttributeValue::L(l) => l.iter().any(|v| names(v, needles)),
        AttributeValue::Ss(l) => l.iter().any(|s| needles.iter().any(|n| s.contains(n))),
        _ => false,
    }
}

#[tokio::test]
async fn a_deleted_account_leaves_nothing_and_every_counter_exact() {
    let env = env().await;
    let (x, y, z) = (
        verified(&env).await,
        verified(&env).await,
        verified(&env).await,
    );
    let rw = domain::scopes::ALL;
    let (tx, ty, tz) = (
        bearer(&token(&env, &x, rw).await),
        bearer(&token(&env, &y, rw).await),
        bearer(&token(&env, &z, rw).await),
    );
    // Users API: follows both ways, a block on X, X's invite codes.
    follow(&env, &tx, &y).await;
    follow(&env, &ty, &x).await;
    follow(&env, &tz, &y).await;
    let r = call(
        &env,
        Method::POST,
        "/user/block",
        Some(json!({ "target": x.id })),
        &[("authorization", &tz)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = call(
        &env,
        Method::GET,
        "/user/invite-codes",
        None,
        &[("authorization", &tx)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // Sites: X admin of a site Y is a member of, with an invitation out.
    let (ux, uy) = (
        user_of(&env, &x).await.unwrap(),
        user_of(&env, &y).await.unwrap(),
    );
    let site =
        crate::sites_support::site(&env, &ux, sites::model::SiteType::Shop, "Gone Shop").await;
    crate::sites_support::join(&env, site, &uy, sites::model::SiteRole::Member).await;
    // Social networks: X linked to a network.
    let (key, _) = identity::api_key::create(
        &env.state.store,
        "t",
        vec![domain::Permission::Read, domain::Permission::Write],
    )
    .await
    .unwrap();
    let key = key.expose().to_owned();
    let net = call(
        &env,
        Method::POST,
        "/api/social-networks",
        Some(json!({"key": "gitlab", "settings": "{}", "icon": "<svg/>"})),
        &[("x-api-key", &key)],
    )
    .await;
    assert_eq!(net.status, StatusCode::CREATED, "{:?}", net.body);
    let net = net.body["social_network"]["id"].as_u64().unwrap();
    let link = json!({"user_id": ux.seq, "value": "x-at-gitlab", "login": "x", "name": "X", "url": "https://gitlab.com/x"});
    let r = call(
        &env,
        Method::POST,
        &format!("/api/social-networks/{net}/links"),
        Some(link),
        &[("x-api-key", &key)],
    )
    .await;
    assert!(r.status.is_success(), "{:?}", r.body);
    // A cookie session and an export queued (the worker runs it first).
    let session = cookie(&login(&env, &x).await);
    env.settle().await;

    let r = call(
        &env,
        Method::DELETE,
        "/user/me",
        Some(json!({ "password": PASSWORD })),
        &[("cookie", &session)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // At once: no sign-in, no credential.
    assert_eq!(login(&env, &x).await.status, StatusCode::UNAUTHORIZED);
    let r = call(
        &env,
        Method::GET,
        "/user/me",
        None,
        &[("authorization", &tx)],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{:?}", r.body);

    drain(&env).await;
    env.settle().await;
    assert!(user_of(&env, &x).await.is_none());
    let needles = [
        x.id.to_lowercase(),
        x.username.to_lowercase(),
        x.email.to_lowercase(),
    ];
    assert_forgotten(&env, &needles).await;
    // Everyone else's counters: Y has one follower (Z), follows nobody;
    // the site has one member; the network none.
    let y_now = call(
        &env,
        Method::GET,
        &format!("/user/{}", y.id),
        None,
        &[("authorization", &ty)],
    )
    .await;
    assert_eq!(
        y_now.body["data"]["user"][0]["followerCount"],
        json!(1),
        "{:?}",
        y_now.body
    );
    assert_eq!(
        y_now.body["data"]["user"][0]["followingCount"],
        json!(0),
        "{:?}",
        y_now.body
    );
    let s = sites::store::SitesStore::new(&env.state.store)
        .site(site)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.members_count, 1);
    let r = call(
        &env,
        Method::GET,
        &format!("/api/social-networks/{net}"),
        None,
        &[("x-api-key", &key)],
    )
    .await;
    assert_eq!(
        r.body["social_network"]["users_count"],
        json!(0),
        "{:?}",
        r.body
    );
    // The name and the address are free again.
    let again = call(
        &env,
        Method::POST,
        "/user/create",
        Some(crate::users_support::sign_up_body(&x.username, &x.email)),
        &[],
    )
    .await;
    assert_eq!(again.status, StatusCode::OK, "{:?}", again.body);
}

#[tokio::test]
async fn deletion_needs_the_password_or_a_fresh_sign_in_and_writes_nothing_otherwise() {
    let env = env().await;
    let x = verified(&env).await;
    let session = cookie(&login(&env, &x).await);
    let wrong = call(
        &env,
        Method::DELETE,
        "/user/me",
        Some(json!({ "password": "not-it-at-all" })),
        &[("cookie", &session)],
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{:?}", wrong.body);
    let junk = call(
        &env,
        Method::DELETE,
        "/user/me",
        Some(json!(["a", "b"])),
        &[("cookie", &session)],
    )
    .await;
    assert_eq!(junk.status, StatusCode::BAD_REQUEST, "{:?}", junk.body);
    let anonymous = call(&env, Method::DELETE, "/user/me", None, &[]).await;
    assert_eq!(
        anonymous.status,
        StatusCode::UNAUTHORIZED,
        "{:?}",
        anonymous.body
    );
    let read_only = bearer(&token(&env, &x, &[PROFILE_READ]).await);
    let r = call(
        &env,
        Method::DELETE,
        "/user/me",
        None,
        &[("authorization", &read_only)],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{:?}", r.body);
    assert!(user_of(&env, &x).await.unwrap().deleting_since.is_none());
    assert!(env.state.store.pending_jobs(10).await.unwrap().is_empty());
    // A sign-in moments ago stands for the password.
    let r = call(
        &env,
        Method::DELETE,
        "/user/me",
        None,
        &[("cookie", &session)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // Twice at once: one deletion.
    let r = call(
        &env,
        Method::DELETE,
        "/user/me",
        None,
        &[("cookie", &session)],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{:?}", r.body);
    drain(&env).await;
    assert!(user_of(&env, &x).await.is_none());
}

#[tokio::test]
async fn an_export_holds_every_surfaces_data_and_its_link_is_mailed() {
    let env = env().await;
    let (x, y) = (verified(&env).await, verified(&env).await);
    let rw = domain::scopes::ALL;
    let (tx, ty) = (
        bearer(&token(&env, &x, rw).await),
        bearer(&token(&env, &y, rw).await),
    );
    follow(&env, &tx, &y).await;
    follow(&env, &ty, &x).await;
    assert_eq!(login(&env, &x).await.status, StatusCode::OK);
    let ux = user_of(&env, &x).await.unwrap();
    let site =
        crate::sites_support::site(&env, &ux, sites::model::SiteType::Shop, "Export Shop").await;
    let r = call(
        &env,
        Method::POST,
        "/user/me/export",
        None,
        &[("authorization", &tx)],
    )
    .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{:?}", r.body);
    let again = call(
        &env,
        Method::POST,
        "/user/me/export",
        None,
        &[("authorization", &tx)],
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{:?}", again.body);
    let archive = lifecycle::export::archive(&env.state, &ux).await.unwrap();
    assert_eq!(archive["account"]["username"], json!(x.username));
    assert!(archive["account"].get("password_hash").is_none());
    assert_eq!(archive["following"][0]["target"], json!(y.id));
    assert_eq!(archive["followers"][0]["source"], json!(y.id));
    assert_eq!(archive["site_memberships"][0]["site_id"], json!(site));
    assert!(
        archive["security_events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "sign_in" || e["kind"] == "new_device"),
        "{}",
        archive["security_events"]
    );
    assert!(!archive["sessions"].as_array().unwrap().is_empty() || archive["sessions"].is_array());
    drain(&env).await;
    env.settle().await;
    let mails = env.mails_to(&x.email).await;
    let mail = mails.last().expect("the export's mail");
    let url = mail
        .text
        .split_whitespace()
        .find(|w| w.contains("/exports/"))
        .unwrap_or_else(|| panic!("no link in {}", mail.text))
        .to_owned();
    let body: Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
    assert_eq!(body["account"]["email"], json!(x.email));
}

/// The App Users API's statistics and an OAuth grant (consent, code,
/// refresh family) of a deleted account: the statistics no longer count
/// it, and nothing of the grant is left.
#[tokio::test]
async fn app_statistics_and_oauth_grants_go_with_the_account() {
    use crate::app_support::{cookie as app_cookie, form, full_key, register, with_key};
    let env = crate::app_support::env().await;
    let key = full_key(&env).await;
    let a = register(&env).await;
    let baseline = form(&env, "/api/users/stats/sex/", "", with_key(&key))
        .await
        .body;
    let r = form(
        &env,
        "/api/update/profile/",
        "sex=female&birth_date=1990-01-01",
        app_cookie(&a.sid),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let counted = form(&env, "/api/users/stats/sex/", "", with_key(&key))
        .await
        .body;
    assert_ne!(counted, baseline, "the statistics count the account");
    let user = crate::app_support::user(&env.state, a.seq).await;
    // An OAuth grant: a session, a consent, a code redeemed into a family.
    let session = crate::oauth::new_session(&env, &user.id).await;
    let client =
        crate::oauth::client(&env, table::ClientType::Public, &["delegated:profile:read"]).await;
    let code = crate::oauth::code(&env, &session, &client, "delegated:profile:read").await;
    let r = crate::oauth::exchange(&env, &client, &code).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = call(
        &env,
        Method::DELETE,
        "/user/me",
        Some(json!({ "password": crate::app_support::PASSWORD })),
        &[("cookie", &session)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    drain(&env).await;
    env.settle().await;
    let after = form(&env, "/api/users/stats/sex/", "", with_key(&key))
        .await
        .body;
    assert_eq!(
        after, baseline,
        "the statistics no longer count the account"
    );
    let needles = [
        user.id.to_string(),
        a.name.to_lowercase(),
        a.email.to_lowercase(),
    ];
    assert_forgotten(&env, &needles).await;
}
