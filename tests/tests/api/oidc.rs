//! The OpenID Connect provider against the emulator: discovery, the
//! `id_token` of the code and refresh grants (checked against the JWKS),
//! `/userinfo` by scope, and the authorization request's OpenID Connect
//! parameters (`nonce`, `prompt`, `max_age`, `login_hint`, `ui_locales`).
//! Real relying-party libraries run the same flows from outside
//! (tests/rp/, `make test`'s `oidc-rp` step).

use super::oauth::{
    authorize, borrow, client, env, exchange, location, param, refresh, signed_in, standard,
    Client, REDIRECT,
};
use axum::body::Body;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use domain::opaque::hash_secret;
use http::{Method, Request, StatusCode};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, DecodingKey, Validation};
use platform_tests::{Reply, TestEnv};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use table::{ClientType, TokenRecord};

const ISSUER: &str = "http://127.0.0.1:3000";
const OPENID: &str = "openid profile email";

/// The code for `scope` with extra authorization parameters.
async fn code_with(
    env: &TestEnv,
    cookie: &str,
    c: &Client,
    scope: &str,
    extra: &[(&'static str, &str)],
) -> Reply {
    let mut params = standard(c, scope);
    params.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
    authorize(env, Some(cookie), &borrow(&params)).await
}

fn code_of(r: &Reply) -> String {
    let (base, pairs) = location(r);
    assert_eq!(base, REDIRECT);
    param(&pairs, "code").expect("a code").to_owned()
}

/// The `id_token`'s claims, its signature checked against the JWKS.
async fn verified(env: &TestEnv, id_token: &str, aud: &str) -> Value {
    let jwks: JwkSet =
        serde_json::from_value(env.get("/.well-known/jwks.json").await.body).unwrap();
    let header = decode_header(id_token).unwrap();
    let jwk = jwks
        .find(header.kid.as_deref().unwrap())
        .expect("kid in JWKS");
    let mut v = Validation::new(jsonwebtoken::Algorithm::ES256);
    v.set_audience(&[aud]);
    v.set_issuer(&[ISSUER]);
    decode::<Value>(id_token, &DecodingKey::from_jwk(jwk).unwrap(), &v)
        .unwrap()
        .claims
}

/// A cookie session for `user` whose record `shape` changes (an older
/// sign-in, another `amr`): the `Cookie` value and the record.
async fn session_as(
    env: &TestEnv,
    user: &domain::UserId,
    shape: impl FnOnce(TokenRecord) -> TokenRecord,
) -> (String, TokenRecord) {
    let issued = identity::issue(identity::session::KIND, user, 3600);
    let record = shape(issued.record);
    env.state
        .store
        .put_token(&issued.hash, &record)
        .await
        .unwrap();
    (format!("sid={}", issued.token.expose()), record)
}

/// A redirect to the hosted sign-in page of the issuer.
fn assert_sign_in(r: &Reply) {
    let to = r.headers["location"].to_str().unwrap();
    assert!(to.starts_with(&format!("{ISSUER}/signin?")), "{to}");
}

fn at_hash(access: &str) -> String {
    URL_SAFE_NO_PAD.encode(&Sha256::digest(access.as_bytes())[..16])
}

async fn userinfo(env: &TestEnv, method: Method, access: &str) -> Reply {
    env.send(
        Request::builder()
            .method(method)
            .uri("/userinfo")
            .header("authorization", format!("Bearer {access}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn discovery_document_describes_the_provider() {
    let env = env().await;
    for path in [
        "/.well-known/openid-configuration",
        "/.well-known/oauth-authorization-server",
    ] {
        let m = env.get(path).await;
        assert_eq!(m.status, StatusCode::OK, "{path}");
        assert_eq!(m.body["issuer"], ISSUER);
        assert_eq!(m.body["userinfo_endpoint"], format!("{ISSUER}/userinfo"));
        assert_eq!(m.body["subject_types_supported"], json!(["public"]));
        assert_eq!(
            m.body["id_token_signing_alg_values_supported"],
            json!(["ES256"])
        );
        assert_eq!(m.body["request_uri_parameter_supported"], json!(false));
        let scopes = m.body["scopes_supported"].as_array().unwrap();
        for s in ["openid", "profile", "email"] {
            assert!(scopes.contains(&json!(s)), "{s}");
        }
    }
}

#[tokio::test]
async fn code_grant_returns_a_verifiable_id_token() {
    let env = env().await;
    let c = client(&env, ClientType::Public, &["openid", "profile", "email"]).await;
    let (user, cookie) = signed_in(&env).await;
    let r = code_with(&env, &cookie, &c, OPENID, &[("nonce", "n-0S6_WzA2Mj")]).await;
    let t = exchange(&env, &c, &code_of(&r)).await;
    assert_eq!(t.status, StatusCode::OK, "{:?}", t.body);
    let access = t.body["access_token"].as_str().unwrap();
    let claims = verified(&env, t.body["id_token"].as_str().unwrap(), &c.id).await;
    assert_eq!(claims["sub"], user.id.to_string());
    assert_eq!(claims["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(claims["azp"], c.id);
    assert_eq!(claims["at_hash"], at_hash(access));
    assert_eq!(claims["amr"], json!(["pwd"]));
    assert_eq!(claims["acr"], "urn:platform:acr:password");
    assert!(claims["auth_time"].as_i64().unwrap() <= claims["iat"].as_i64().unwrap());
    let sid = claims["sid"].as_str().unwrap().to_owned();
    let token = cookie.split_once('=').unwrap().1;
    assert!(
        !sid.contains(&hash_secret(token)),
        "sid is not the session's key"
    );

    // A refresh repeats auth_time and sid, and drops the nonce (Core §12.2).
    let r2 = refresh(&env, &c, t.body["refresh_token"].as_str().unwrap()).await;
    assert_eq!(r2.status, StatusCode::OK, "{:?}", r2.body);
    let again = verified(&env, r2.body["id_token"].as_str().unwrap(), &c.id).await;
    assert_eq!(again["auth_time"], claims["auth_time"]);
    assert_eq!(again["sid"], json!(sid));
    assert!(again.get("nonce").is_none());
    assert_eq!(
        again["at_hash"],
        at_hash(r2.body["access_token"].as_str().unwrap())
    );
}

#[tokio::test]
async fn no_openid_scope_no_id_token() {
    let env = env().await;
    let c = client(
        &env,
        ClientType::Public,
        &["openid", "delegated:profile:read"],
    )
    .await;
    let (_, cookie) = signed_in(&env).await;
    let r = code_with(&env, &cookie, &c, "delegated:profile:read", &[]).await;
    let t = exchange(&env, &c, &code_of(&r)).await;
    assert_eq!(t.status, StatusCode::OK);
    assert!(t.body.get("id_token").is_none());
}

#[tokio::test]
async fn a_second_factor_shows_in_amr_and_acr() {
    let env = env().await;
    let c = client(&env, ClientType::Public, &["openid"]).await;
    let (user, _) = signed_in(&env).await;
    let (cookie, _) = session_as(&env, &user.id, |r| TokenRecord {
        amr: vec!["pwd".into(), "otp".into(), "mfa".into()],
        ..r
    })
    .await;
    let r = code_with(&env, &cookie, &c, "openid", &[]).await;
    let t = exchange(&env, &c, &code_of(&r)).await;
    let claims = verified(&env, t.body["id_token"].as_str().unwrap(), &c.id).await;
    assert_eq!(claims["amr"], json!(["pwd", "otp", "mfa"]));
    assert_eq!(claims["acr"], "urn:platform:acr:mfa");
}

#[tokio::test]
async fn userinfo_answers_what_the_scopes_reach() {
    let env = env().await;
    let c = client(&env, ClientType::Public, &["openid", "profile", "email"]).await;
    let (user, cookie) = signed_in(&env).await;
    let all = |scope: &'static str| {
        let (env, c, cookie) = (&env, &c, &cookie);
        async move {
            let r = code_with(env, cookie, c, scope, &[]).await;
            let t = exchange(env, c, &code_of(&r)).await;
            t.body["access_token"].as_str().unwrap().to_owned()
        }
    };
    let full = all(OPENID).await;
    for method in [Method::GET, Method::POST] {
        let r = userinfo(&env, method, &full).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        assert_eq!(r.body["sub"], user.id.to_string());
        assert_eq!(r.body["preferred_username"], user.username);
        assert_eq!(r.body["email"], user.email);
        assert_eq!(r.body["email_verified"], true);
        assert_eq!(r.body["locale"], "en");
        assert_eq!(r.headers["cache-control"], "no-store");
    }
    let bare = userinfo(&env, Method::GET, &all("openid").await).await;
    assert_eq!(bare.body, json!({"sub": user.id.to_string()}));

    let no_openid = all("profile").await;
    let r = userinfo(&env, Method::GET, &no_openid).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.body["error"], "insufficient_scope");
    assert!(r.headers["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("insufficient_scope"));

    let r = userinfo(&env, Method::GET, "not-a-token").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.body["error"], "invalid_token");
    let r = env.get("/userinfo").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers["www-authenticate"], "Bearer");
}

#[tokio::test]
async fn prompt_none_without_session_answers_the_client() {
    let env = env().await;
    let c = client(&env, ClientType::Public, &["openid"]).await;
    let before = env.snapshot().await;
    let mut params = standard(&c, "openid");
    params.push(("prompt", "none".into()));
    let r = authorize(&env, None, &borrow(&params)).await;
    let (base, pairs) = location(&r);
    assert_eq!(base, REDIRECT);
    assert_eq!(param(&pairs, "error"), Some("login_required"));
    assert_eq!(param(&pairs, "state"), Some("st-123"));
    assert_eq!(env.snapshot().await, before);
}

#[tokio::test]
async fn sign_in_redirect_carries_hints_and_drops_prompt_login() {
    let env = env().await;
    let c = client(&env, ClientType::Public, &["openid"]).await;
    let (_, cookie) = signed_in(&env).await;
    let before = env.snapshot().await;
    let r = code_with(
        &env,
        &cookie,
        &c,
        "openid",
        &[
            ("prompt", "login"),
            ("login_hint", "ana@example.com"),
            ("ui_locales", "es en"),
        ],
    )
    .await;
    assert_sign_in(&r);
    let (_, pairs) = location(&r);
    assert_eq!(param(&pairs, "login_hint"), Some("ana@example.com"));
    assert_eq!(param(&pairs, "ui_locales"), Some("es en"));
    assert_eq!(param(&pairs, "prompt"), Some("login"));
    let back = param(&pairs, "return_to").unwrap();
    assert!(back.starts_with("/oauth/authorize?"), "{back}");
    assert!(!back.contains("prompt"), "{back}");
    assert!(back.contains("login_hint="), "{back}");
    assert_eq!(env.snapshot().await, before);
}

#[tokio::test]
async fn max_age_asks_an_old_sign_in_again() {
    let env = env().await;
    let c = client(&env, ClientType::Public, &["openid"]).await;
    let (user, _) = signed_in(&env).await;
    let (cookie, record) = session_as(&env, &user.id, |r| TokenRecord {
        issued_at: r.issued_at - 120_000,
        ..r
    })
    .await;
    let r = code_with(&env, &cookie, &c, "openid", &[("max_age", "60")]).await;
    assert_sign_in(&r);
    let (_, pairs) = location(&r);
    assert!(param(&pairs, "return_to").unwrap().contains("max_age=60"));
    // Within max_age: a code, and auth_time says when.
    let r = code_with(&env, &cookie, &c, "openid", &[("max_age", "3600")]).await;
    let t = exchange(&env, &c, &code_of(&r)).await;
    let claims = verified(&env, t.body["id_token"].as_str().unwrap(), &c.id).await;
    assert_eq!(claims["auth_time"], json!(record.issued_at / 1000));
}

#[tokio::test]
async fn bad_oidc_parameters_go_back_as_invalid_request() {
    let env = env().await;
    let c = client(&env, ClientType::Public, &["openid"]).await;
    let (_, cookie) = signed_in(&env).await;
    let before = env.snapshot().await;
    let long_nonce = "n".repeat(513);
    for extra in [
        [("prompt", "none login")],
        [("prompt", "sometimes")],
        [("max_age", "-1")],
        [("max_age", "soon")],
        [("nonce", long_nonce.as_str())],
    ] {
        let r = code_with(&env, &cookie, &c, "openid", &extra).await;
        let (base, pairs) = location(&r);
        assert_eq!(base, REDIRECT, "{extra:?}");
        assert_eq!(param(&pairs, "error"), Some("invalid_request"), "{extra:?}");
    }
    assert_eq!(env.snapshot().await, before);
}
