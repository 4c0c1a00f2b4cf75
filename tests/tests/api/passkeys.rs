//! Passkeys against the emulator, with a software authenticator making
//! real registrations and assertions: register, username-less sign-in
//! through the gatekeeper, list, rename, remove; each ceremony taken once;
//! refused input writes nothing; a counter going backwards signs the
//! account out everywhere.

use crate::passkeys_support::*;
use crate::users_support::{assert_error, call, cookie, session, verified};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use domain::UserId;
use http::{Method, StatusCode};
use serde_json::{json, Value};

async fn list(env: &platform_tests::TestEnv, sid: &str) -> Vec<Value> {
    let r = call(env, Method::GET, "/user/passkeys", None, &[("cookie", sid)]).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body["data"]["passkeys"].as_array().unwrap().clone()
}

/// A verified person's session and an authenticator's answer to their
/// registration options.
async fn registration(env: &platform_tests::TestEnv) -> (String, Value) {
    let p = verified(env).await;
    let sid = session(env, &p).await;
    let options = register_options(env, &sid).await;
    let credential = create(&mut device(), &options.body["data"]).await;
    (sid, credential)
}

/// Of two verifies of one ceremony, exactly one got it.
fn one_wins(a: &platform_tests::Reply, b: &platform_tests::Reply) {
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::BAD_REQUEST]);
    let loser = if a.status == StatusCode::OK { b } else { a };
    assert_error(loser, StatusCode::BAD_REQUEST, "InvalidChallenge");
}

#[tokio::test]
async fn a_registered_passkey_signs_in_without_a_username() {
    let env = env().await;
    let mut device = device();
    let (p, sid, view) = with_passkey(&env, &mut device).await;
    assert_eq!(view["name"], "Laptop");
    // The test authenticator syncs its passkeys: the BE and BS flags.
    assert_eq!(view["backupEligible"], true);
    assert_eq!(view["backedUp"], true);
    assert!(view["lastUsedAt"].is_null());

    let r = sign_in(&env, &mut device).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["data"]["2faEnabled"], false);
    assert_eq!(r.body["data"]["user"]["id"], p.id.as_str());
    // The authenticator verified its user: both factors (RFC 8176).
    assert_eq!(amr_of(&env, &r).await, ["hwk", "user", "mfa"]);
    let listed = list(&env, &sid).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], view["id"]);
    assert!(listed[0]["lastUsedAt"].is_string());
}

#[tokio::test]
async fn a_two_factor_account_is_not_challenged_by_a_verifying_passkey() {
    let env = env().await;
    let mut device = device();
    let (p, _, _) = with_passkey(&env, &mut device).await;
    crate::gate_support::two_factor_on(&env, &p).await;
    let r = sign_in(&env, &mut device).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["data"]["2faEnabled"], false);
    assert_eq!(amr_of(&env, &r).await, ["hwk", "user", "mfa"]);
}

#[tokio::test]
async fn a_passkey_that_did_not_verify_its_user_is_one_factor() {
    let env = env().await;
    let mut device = device();
    let (p, _, _) = with_passkey(&env, &mut device).await;
    // The first sign-in verified its user; the flag must not stick.
    assert_eq!(sign_in(&env, &mut device).await.status, StatusCode::OK);
    device.unverified = true;
    let r = sign_in(&env, &mut device).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["data"]["2faEnabled"], false);
    assert_eq!(amr_of(&env, &r).await, ["hwk"]);
    // With 2FA on, it is the first factor only: the challenge follows.
    crate::gate_support::two_factor_on(&env, &p).await;
    let r = sign_in(&env, &mut device).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["data"]["2faEnabled"], true);
    assert!(r.body["data"]["sessionHash"].is_string());
    assert!(cookie_of(&r).is_none());
}

#[tokio::test]
async fn a_passkey_naming_another_account_signs_in_nobody() {
    let env = env().await;
    let mut device = device();
    with_passkey(&env, &mut device).await;
    let (other, _, _) = with_passkey(&env, &mut crate::passkeys_support::device()).await;
    // The authenticator sends another account's handle with this passkey.
    device.user_handle = B64.encode(other.id.as_bytes());
    let before = env.items().await.len();
    // webauthn_rp checks the handle against the credential's owner; the
    // gate would refuse the other account anyway (its read must be the
    // owner's).
    let r = sign_in(&env, &mut device).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidCredential");
    assert!(cookie_of(&r).is_none());
    // Nothing new: the ceremony was spent, nothing else written.
    assert!(env.items().await.len() <= before);
}

#[tokio::test]
async fn a_banned_account_signs_in_with_no_passkey() {
    let env = env().await;
    let mut device = device();
    let (p, _, _) = with_passkey(&env, &mut device).await;
    let id = UserId::parse(&p.id).unwrap();
    let app = app::store::AppStore::new(&env.state.store);
    app.set_banned(&id, true, Some("spam"), domain::audit::Actor::Operator)
        .await
        .unwrap();
    let r = sign_in(&env, &mut device).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{:?}", r.body);
    assert_eq!(r.body["code"], "AccountBanned");
}

#[tokio::test]
async fn registration_needs_a_session_or_a_profile_write_token() {
    let env = env().await;
    let r = register_options(&env, "sid=nope").await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "Unauthorized");
    let r = register_verify(&env, "sid=nope", json!({ "credential": {} })).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "Unauthorized");
    let r = call(&env, Method::GET, "/user/passkeys", None, &[]).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "Unauthorized");

    // A bearer token without the write scope is refused too.
    let p = verified(&env).await;
    let token = crate::users_support::token(&env, &p, &["delegated:profile:read"]).await;
    let auth = crate::users_support::bearer(&token);
    let r = call(
        &env,
        Method::POST,
        "/user/passkeys/register/options",
        None,
        &[("authorization", &auth)],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{:?}", r.body);
}

#[tokio::test]
async fn refused_registrations_write_nothing() {
    let env = env().await;
    let (sid, credential) = registration(&env).await;
    let before = env.snapshot().await;
    let long = "x".repeat(65);
    for (body, field) in [
        (json!("text"), "credential"),
        (json!({}), "credential"),
        (json!({ "credential": "x" }), "credential"),
        (json!({ "credential": credential, "name": long }), "name"),
        (json!({ "credential": credential, "name": "  " }), "name"),
        (json!({ "credential": credential, "name": 7 }), "name"),
    ] {
        let r = register_verify(&env, &sid, body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
        assert_eq!(r.error_field(), Some(field), "{:?}", r.body);
    }
    // A response the authenticator did not make.
    let mut forged = credential.clone();
    forged["response"]["clientDataJSON"] = json!("e30");
    let r = register_verify(&env, &sid, json!({ "credential": forged })).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidCredential");
    assert_eq!(env.snapshot().await, before);
}

#[tokio::test]
async fn a_registration_challenge_is_redeemed_once() {
    let env = env().await;
    let (sid, credential) = registration(&env).await;
    let body = json!({ "credential": credential });
    let (a, b) = tokio::join!(
        register_verify(&env, &sid, body.clone()),
        register_verify(&env, &sid, body)
    );
    one_wins(&a, &b);
    assert_eq!(list(&env, &sid).await.len(), 1);
}

#[tokio::test]
async fn a_sign_in_challenge_is_redeemed_once() {
    let env = env().await;
    let mut device = device();
    with_passkey(&env, &mut device).await;
    let options = login_options(&env).await;
    let credential = assert(&mut device, &options.body["data"]).await;
    let cookie = ceremony_cookie(&options);
    let (a, b) = tokio::join!(
        login_verify_from(&env, credential.clone(), &cookie),
        login_verify_from(&env, credential, &cookie)
    );
    one_wins(&a, &b);
}

#[tokio::test]
async fn a_sign_in_ceremony_answers_only_the_browser_that_began_it() {
    let env = env().await;
    let mut device = device();
    with_passkey(&env, &mut device).await;
    let options = login_options(&env).await;
    let set = options.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    assert!(set.contains("Path=/user/passkeys"), "{set}");
    let credential = assert(&mut device, &options.body["data"]).await;
    // Another browser (no cookie, or another ceremony's) cannot answer it.
    let r = login_verify(&env, credential.clone()).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidChallenge");
    let other = ceremony_cookie(&login_options(&env).await);
    let options = login_options(&env).await;
    let credential = assert(&mut device, &options.body["data"]).await;
    let r = login_verify_from(&env, credential.clone(), &other).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidChallenge");
    assert!(cookie_of(&r).is_none(), "no session");
}

#[tokio::test]
async fn registration_excludes_and_refuses_passkeys_registered_already() {
    let env = env().await;
    let mut device = device();
    let (_, sid, view) = with_passkey(&env, &mut device).await;
    let other = verified(&env).await;
    let other_sid = session(&env, &other).await;
    let before = env.snapshot().await;
    let options = register_options(&env, &sid).await;
    let excluded = options.body["data"]["excludeCredentials"]
        .as_array()
        .unwrap();
    assert_eq!(excluded.len(), 1, "{excluded:?}");
    assert_eq!(excluded[0]["id"], view["id"]);
    assert_eq!(excluded[0]["type"], "public-key");
    // An authenticator registering its passkey again anyway, for its
    // owner or for someone else: refused, nothing written.
    let again = device.attest(&options.body["data"]);
    let r = register_verify(&env, &sid, json!({ "credential": again })).await;
    assert_error(&r, StatusCode::CONFLICT, "PasskeyExists");
    let options = register_options(&env, &other_sid).await;
    assert_eq!(options.body["data"]["excludeCredentials"], json!([]));
    let again = device.attest(&options.body["data"]);
    let r = register_verify(&env, &other_sid, json!({ "credential": again })).await;
    assert_error(&r, StatusCode::CONFLICT, "PasskeyExists");
    assert_eq!(env.snapshot().await, before);
}

#[tokio::test]
async fn another_users_registration_ceremony_is_refused() {
    let env = env().await;
    let a = verified(&env).await;
    let b = verified(&env).await;
    let (sid_a, sid_b) = (session(&env, &a).await, session(&env, &b).await);
    let options = register_options(&env, &sid_a).await;
    let credential = create(&mut device(), &options.body["data"]).await;
    let r = register_verify(&env, &sid_b, json!({ "credential": credential })).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidChallenge");
    assert!(list(&env, &sid_a).await.is_empty());
    assert!(list(&env, &sid_b).await.is_empty());
}

#[tokio::test]
async fn refused_sign_ins_write_nothing() {
    let env = env().await;
    let mut device = device();
    with_passkey(&env, &mut device).await;
    let before = env.snapshot().await;
    for body in [json!("text"), json!({}), json!({ "credential": 1 })] {
        let r = env.post("/user/passkeys/login/verify", body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
        assert_eq!(r.error_field(), Some("credential"), "{:?}", r.body);
    }
    let r = login_verify(&env, json!({ "id": "AAAA" })).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidCredential");
    assert_eq!(env.snapshot().await, before);
}

#[tokio::test]
async fn an_unknown_passkey_signs_in_nowhere() {
    let env = env().await;
    let mut stranger = device();
    let mut device = device();
    with_passkey(&env, &mut device).await;
    // A second account's passkey, removed: its authenticator still has it.
    let (_, sid, view) = with_passkey(&env, &mut stranger).await;
    let id = view["id"].as_str().unwrap();
    let r = call(
        &env,
        Method::DELETE,
        &format!("/user/passkeys/{id}"),
        None,
        &[("cookie", &sid)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = sign_in(&env, &mut stranger).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "InvalidCredentials");
}

#[tokio::test]
async fn the_owner_lists_renames_and_removes_passkeys() {
    let env = env().await;
    let mut device = device();
    let (_, sid, view) = with_passkey(&env, &mut device).await;
    let id = view["id"].as_str().unwrap().to_owned();
    let path = format!("/user/passkeys/{id}");
    let rename = |sid: String, body: Value| {
        let (env, path) = (&env, path.clone());
        async move { call(env, Method::PATCH, &path, Some(body), &[("cookie", &sid)]).await }
    };
    let r = rename(sid.clone(), json!({ "name": "Phone" })).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(list(&env, &sid).await[0]["name"], "Phone");

    let other = verified(&env).await;
    let other_sid = session(&env, &other).await;
    let before = env.snapshot().await;
    for body in [
        json!({}),
        json!({ "name": "" }),
        json!({ "name": "x".repeat(65) }),
    ] {
        let r = rename(sid.clone(), body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
        assert_eq!(r.error_field(), Some("name"));
    }
    // Someone else's passkey, or no passkey at all: not found.
    let r = rename(other_sid.clone(), json!({ "name": "Mine" })).await;
    assert_error(&r, StatusCode::NOT_FOUND, "NotFound");
    let r = call(&env, Method::DELETE, &path, None, &[("cookie", &other_sid)]).await;
    assert_error(&r, StatusCode::NOT_FOUND, "NotFound");
    let long = format!("/user/passkeys/{}", "A".repeat(1001));
    for uri in ["/user/passkeys/not%20an%20id", long.as_str()] {
        let r = call(&env, Method::DELETE, uri, None, &[("cookie", &sid)]).await;
        assert_error(&r, StatusCode::NOT_FOUND, "NotFound");
    }
    assert_eq!(env.snapshot().await, before);

    let r = call(&env, Method::DELETE, &path, None, &[("cookie", &sid)]).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(list(&env, &sid).await.is_empty());
    let r = call(&env, Method::DELETE, &path, None, &[("cookie", &sid)]).await;
    assert_error(&r, StatusCode::NOT_FOUND, "NotFound");
}

#[tokio::test]
async fn a_counter_going_backwards_signs_the_account_out() {
    let env = env().await;
    let mut device = device();
    let (p, sid, _) = with_passkey(&env, &mut device).await;
    // A clone of the authenticator, made before the original signs again.
    let mut clone = device.clone();
    let r = sign_in(&env, &mut device).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let signed_in = cookie(&r);

    let r = sign_in(&env, &mut clone).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "PasskeyCounter");
    for sid in [sid, signed_in] {
        let r = call(
            &env,
            Method::GET,
            "/user/passkeys",
            None,
            &[("cookie", &sid)],
        )
        .await;
        assert_error(&r, StatusCode::UNAUTHORIZED, "Unauthorized");
    }
    env.settle().await;
    let mails = env.emails_to(&p.email).await;
    assert!(
        mails.iter().any(|(_, body)| body.contains("Laptop")),
        "the owner hears of it: {mails:?}"
    );
}

#[tokio::test]
async fn a_deleted_account_leaves_no_passkey() {
    let env = env().await;
    let mut device = device();
    let (p, sid, _) = with_passkey(&env, &mut device).await;
    let body = json!({ "password": crate::users_support::PASSWORD });
    let r = call(
        &env,
        Method::DELETE,
        "/user/me",
        Some(body),
        &[("cookie", &sid)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // At once: the passkey signs in nowhere.
    let r = sign_in(&env, &mut device).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "InvalidCredentials");

    for _ in 0..200 {
        if env.state.store.pending_jobs(10).await.unwrap().is_empty() {
            break;
        }
        lifecycle::sweep(&env.state, std::time::Duration::from_secs(5))
            .await
            .unwrap();
    }
    let left: Vec<_> = env
        .items()
        .await
        .into_iter()
        .filter(|i| {
            let (pk, sk) = (i["pk"].as_s().unwrap(), i["sk"].as_s().unwrap());
            pk.starts_with("PASSKEY#") || (pk.contains(&p.id) && sk.starts_with("PASSKEY#"))
        })
        .collect();
    assert!(left.is_empty(), "passkey items left: {left:?}");
}

#[tokio::test]
async fn an_export_lists_the_passkeys() {
    let env = env().await;
    let (p, _, view) = with_passkey(&env, &mut device()).await;
    let user = crate::users_support::user(&env, &p.id).await;
    let archive = lifecycle::export::archive(&env.state, &user).await.unwrap();
    let listed = archive["passkeys"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{archive}");
    assert_eq!(listed[0]["id"], view["id"]);
    assert_eq!(listed[0]["name"], "Laptop");
    assert!(listed[0].get("static_state").is_none());
}

/// The session cookie a reply set, if any.
fn cookie_of(r: &platform_tests::Reply) -> Option<String> {
    r.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("sid="))
        .map(str::to_owned)
}

async fn page(env: &platform_tests::TestEnv, sid: &str, query: &str) -> platform_tests::Reply {
    let uri = format!("/user/passkeys?{query}");
    call(env, Method::GET, &uri, None, &[("cookie", sid)]).await
}

#[tokio::test]
async fn the_list_pages_with_a_sealed_cursor() {
    let env = env().await;
    let (_, sid, _) = with_passkey(&env, &mut device()).await;
    for _ in 0..2 {
        let options = register_options(&env, &sid).await;
        let credential = create(&mut device(), &options.body["data"]).await;
        let r = register_verify(&env, &sid, json!({ "credential": credential })).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    }
    let first = page(&env, &sid, "limit=2").await;
    assert_eq!(first.status, StatusCode::OK, "{:?}", first.body);
    let cursor = first.body["data"]["nextCursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = page(&env, &sid, &format!("limit=2&cursor={cursor}")).await;
    assert_eq!(second.status, StatusCode::OK, "{:?}", second.body);
    assert!(second.body["data"]["nextCursor"].is_null());
    let mut ids: Vec<Value> = [&first, &second]
        .iter()
        .flat_map(|r| r.body["data"]["passkeys"].as_array().unwrap().clone())
        .map(|v| v["id"].clone())
        .collect();
    assert_eq!(ids.len(), 3);
    ids.dedup();
    assert_eq!(ids.len(), 3);
    assert_eq!(list(&env, &sid).await.len(), 3, "one page by default");

    // A cursor edited, or of another account's list, and a bad limit: 400s
    // that write nothing.
    let other = verified(&env).await;
    let other_sid = session(&env, &other).await;
    let before = env.snapshot().await;
    let edited = format!("x{cursor}");
    for (sid, query, field) in [
        (&sid, format!("cursor={edited}"), "cursor"),
        (&other_sid, format!("cursor={cursor}"), "cursor"),
        (&sid, "limit=0".to_owned(), "limit"),
        (&sid, "limit=101".to_owned(), "limit"),
    ] {
        let r = page(&env, sid, &query).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}: {:?}", r.body);
        assert_eq!(r.error_field(), Some(field), "{:?}", r.body);
    }
    // No session: the cursor tells nothing.
    let r = call(
        &env,
        Method::GET,
        &format!("/user/passkeys?cursor={edited}"),
        None,
        &[],
    )
    .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "Unauthorized");
    assert_eq!(env.snapshot().await, before);
}
