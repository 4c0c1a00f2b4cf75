//! Findings of a security review (OWASP ASVS 5.0 L2), kept as regression
//! tests: each states the contract (docs/api/*.md, the brief's security
//! baseline) and failed before its fix — a pending 2FA login surviving a
//! password reset, 2FA code emails without a send limit, and an
//! authorization code outliving the session that granted it.

use crate::users_support::*;
use axum::body::Body;
use domain::UserId;
use http::{Method, Request, StatusCode};
use platform_tests::{Reply, TestEnv};
use serde_json::json;
use table::{ClientType, UserFlag};

const REDIRECT: &str = "https://client.example.com/callback";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const SCOPES: &str = "delegated:profile:read delegated:profile:write";
const NEW_PASSWORD: &str = "Brand-new-Passw0rd!";
/// `PASSWORD` hashed with weaker argon2id parameters (m=8192, t=1, p=1),
/// as an account hashed before a parameter change has it: the next login
/// rehashes it (`needs_rehash`).
const WEAK_HASH_OF_PASSWORD: &str =
    "$argon2id$v=19$m=8192,t=1,p=1$BwcHBwcHBwcHBwcHBwcHBw$+S9XtNH0BKOzoQlCFVwUuvbffhxWS4CvN/+R8HJ94YU";

fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

async fn enable_2fa(env: &TestEnv, p: &Person) {
    let id = UserId::parse(&p.id).unwrap();
    assert!(env
        .state
        .store
        .set_user_flag(&id, UserFlag::TwoFactor, true)
        .await
        .unwrap());
}

async fn set_password_hash(env: &TestEnv, p: &Person, hash: &str) {
    use aws_sdk_dynamodb::types::AttributeValue as A;
    env.state
        .store
        .client()
        .update_item()
        .table_name(env.state.store.table())
        .key("pk", A::S(format!("USER#{}", p.id)))
        .key("sk", A::S("PROFILE".into()))
        .update_expression("SET password_hash = :h")
        .condition_expression("attribute_exists(pk)")
        .expression_attribute_values(":h", A::S(hash.into()))
        .send()
        .await
        .unwrap();
}

async fn login_with(env: &TestEnv, p: &Person, password: &str) -> Reply {
    env.post(
        "/user/login",
        json!({"username": p.username, "password": password, "userAgent": AGENT}),
    )
    .await
}

/// ARCHITECTURE.md: "code sends and checks rate-limited per identifier";
/// docs/api/users.md: "Code emails are rate-limited per address (5 per 15
/// minutes)". `POST /user/login` on a 2FA account emails a fresh 6-digit
/// code on every call with no limit, so anyone holding the password can
/// (a) flood the owner's mailbox and (b) get unlimited fresh challenges,
/// 5 guesses each, against the 2FA code.
#[tokio::test]
async fn two_factor_code_emails_are_rate_limited_per_address() {
    let env = env().await;
    let p = verified(&env).await;
    enable_2fa(&env, &p).await;
    let before = env.emails_to(&p.email).await.len();
    let mut challenges = 0;
    for _ in 0..8 {
        let r = login(&env, &p).await;
        if r.status == StatusCode::OK && r.body["data"]["2faEnabled"] == true {
            challenges += 1;
        }
    }
    let sent = env.emails_to(&p.email).await.len() - before;
    let max = domain::codes::TWO_FACTOR_SEND_LIMIT.max as usize;
    assert!(
        sent <= max,
        "{sent} two-factor code emails (and {challenges} fresh challenges) in one \
         window; the documented per-address limit is {max}"
    );
}

/// docs/api/users.md: a reset "sets the password, voids every session and
/// token". A 2FA login that passed the password check *before* the reset
/// still completes afterwards (`/user/do-2fa` issues a brand-new session),
/// and when that login carried a rehash of the old password
/// (`CodeSlot::payload`), the redemption writes it over the new one: the
/// reset is silently undone and the old (possibly stolen) password works
/// again while the new one is refused.
#[tokio::test]
async fn a_password_reset_kills_a_pending_two_factor_login() {
    let env = env().await;
    let p = verified(&env).await;
    enable_2fa(&env, &p).await;
    set_password_hash(&env, &p, WEAK_HASH_OF_PASSWORD).await;

    // Someone with the old password starts a login: challenge + code.
    let r = login(&env, &p).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["data"]["2faEnabled"], true, "{:?}", r.body);
    let session_hash = r.body["data"]["sessionHash"].as_str().unwrap().to_owned();
    let two_fa_code = last_code(&env, &p.email).await;

    // The owner resets the password.
    let r = env
        .get(&format!("/user/code?{}", form(&[("email", &p.email)])))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let reset_code = last_code(&env, &p.email).await;
    let r = env
        .post(
            "/user/reset-password",
            json!({"code": reset_code, "password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);

    // The pre-reset login is completed afterwards.
    let r = env
        .post(
            "/user/do-2fa",
            json!({"target": p.id, "code": two_fa_code, "sessionHash": session_hash}),
        )
        .await;
    let do_2fa = r.status;
    let new_pw = login_with(&env, &p, NEW_PASSWORD).await.status;
    let old_pw = login_with(&env, &p, PASSWORD).await.status;
    assert!(
        do_2fa != StatusCode::OK && new_pw == StatusCode::OK && old_pw != StatusCode::OK,
        "after the reset: do-2fa of the pre-reset login = {do_2fa} (want 400), \
         login with the NEW password = {new_pw} (want 200), \
         login with the OLD password = {old_pw} (want 401)"
    );
}

/// docs/api/users.md, `POST /user/logout`: "revokes every OAuth grant
/// (refresh family) authorized through that session (so its refresh tokens
/// and access tokens fail on their next use)". An authorization code the
/// session granted but the client had not redeemed yet is still exchanged
/// after the logout (the code lives 60 s), and the family it creates is
/// registered under the dead session, so nothing ever revokes it: the
/// logged-out session yields working access and refresh tokens.
#[tokio::test]
async fn logout_also_voids_the_sessions_unredeemed_authorization_codes() {
    let env = TestEnv::new(dev_server::app).await;
    let client = platform_tests::first_party_client(
        &env.state.store,
        "logout review",
        ClientType::Public,
        &[REDIRECT.to_owned()],
        &SCOPES.split(' ').map(str::to_owned).collect::<Vec<_>>(),
    )
    .await
    .unwrap()
    .client
    .client_id;
    let p = verified(&env).await;
    let cookie = session(&env, &p).await;

    let query = form(&[
        ("response_type", "code"),
        ("client_id", &client),
        ("redirect_uri", REDIRECT),
        ("scope", SCOPES),
        ("state", "xyz"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ]);
    let r = call(
        &env,
        Method::GET,
        &format!("/oauth/authorize?{query}"),
        None,
        &[("cookie", &cookie)],
    )
    .await;
    assert_eq!(r.status, StatusCode::FOUND, "{:?}", r.body);
    let location = url::Url::parse(r.headers["location"].to_str().unwrap()).unwrap();
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code");

    let r = call(
        &env,
        Method::POST,
        "/user/logout",
        Some(json!({})),
        &[("cookie", &cookie)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);

    let r = env
        .send(
            Request::builder()
                .method(Method::POST)
                .uri("/oauth/token")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(form(&[
                    ("grant_type", "authorization_code"),
                    ("code", &code),
                    ("redirect_uri", REDIRECT),
                    ("client_id", &client),
                    ("code_verifier", VERIFIER),
                ])))
                .unwrap(),
        )
        .await;
    if r.status != StatusCode::OK {
        return; // refused: the logout did void the grant
    }
    let access = r.body["access_token"].as_str().unwrap().to_owned();
    let me = call(
        &env,
        Method::GET,
        "/user/me",
        None,
        &[("authorization", &bearer(&access))],
    )
    .await;
    assert_eq!(
        me.status,
        StatusCode::UNAUTHORIZED,
        "a code granted by a logged-out session was exchanged after the logout and \
         its access token works: {:?}",
        me.body
    );
}

/// Moderators are operator-managed (as `updateRole` on the Accounts API):
/// one moderator's admin token may edit ordinary users through `target`,
/// but not another moderator's password or email (an account takeover).
#[tokio::test]
async fn a_moderator_cannot_take_over_another_moderator() {
    let env = env().await;
    let admin = verified(&env).await;
    let other = verified(&env).await;
    let plain = verified(&env).await;
    for p in [&admin, &other] {
        env.state
            .store
            .set_role(
                &UserId::parse(&p.id).unwrap(),
                domain::Role::Moderator,
                None,
            )
            .await
            .unwrap();
    }
    let bearer = bearer(&token(&env, &admin, &["admin:profile:write"]).await);
    let patch = |target: &str| json!({"target": target, "password": "taken-0ver-pass", "email": "attacker@example.com"});
    let before = env.snapshot().await;
    let auth = [("authorization", bearer.as_str())];
    let r = call(
        &env,
        Method::PATCH,
        "/user/me",
        Some(patch(&other.id)),
        &auth,
    )
    .await;
    assert_error(&r, StatusCode::FORBIDDEN, "Forbidden");
    assert_eq!(
        env.snapshot().await,
        before,
        "a refused edit wrote something"
    );
    // Ordinary users stay editable by a moderator.
    let r = call(
        &env,
        Method::PATCH,
        "/user/me",
        Some(json!({"target": plain.id, "firstName": "Renamed"})),
        &auth,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
}
