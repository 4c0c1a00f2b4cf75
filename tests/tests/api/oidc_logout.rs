//! RP-initiated logout (`/oauth/logout`): the session ends only when the
//! relying party of that very session asks (its `id_token` as the hint);
//! otherwise the browser goes to the confirmation page. Destinations are
//! the client's registered post-logout URIs, nothing else.

use super::oauth::{authorize, borrow, env, location, param, refresh, signed_in, standard};
use super::oauth::{Client, REDIRECT};
use axum::body::Body;
use http::{Method, Request, StatusCode};
use platform_tests::{Reply, TestEnv};
use table::ClientType;

const AFTER: &str = "https://client.example.com/signed-out";
const ISSUER: &str = "http://127.0.0.1:3000";

async fn rp(env: &TestEnv) -> Client {
    let r = oauth::registration::register_with(
        &env.state.store,
        "rp",
        ClientType::Public,
        &[REDIRECT.to_owned()],
        &["openid".to_owned()],
        oauth::registration::Options {
            first_party: true,
            post_logout_redirect_uris: vec![AFTER.to_owned()],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    Client {
        id: r.client.client_id,
        secret: None,
    }
}

/// An id_token and refresh token for the session behind `cookie`.
async fn sign_in_rp(env: &TestEnv, c: &Client, cookie: &str) -> (String, String) {
    let params = standard(c, "openid");
    let r = authorize(env, Some(cookie), &borrow(&params)).await;
    let (_, pairs) = location(&r);
    let code = param(&pairs, "code").unwrap().to_owned();
    let t = super::oauth::exchange(env, c, &code).await;
    (
        t.body["id_token"].as_str().unwrap().to_owned(),
        t.body["refresh_token"].as_str().unwrap().to_owned(),
    )
}

async fn logout(
    env: &TestEnv,
    method: Method,
    cookie: Option<&str>,
    params: &[(&str, &str)],
) -> Reply {
    let query = super::oauth::query(params);
    let mut req = Request::builder().method(method.clone());
    req = if method == Method::GET {
        req.uri(format!("/oauth/logout?{query}"))
    } else {
        req.uri("/oauth/logout")
            .header("content-type", "application/x-www-form-urlencoded")
    };
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let body = if method == Method::GET {
        Body::empty()
    } else {
        Body::from(query)
    };
    env.send(req.body(body).unwrap()).await
}

fn to(r: &Reply) -> String {
    assert_eq!(r.status, StatusCode::FOUND, "{:?}", r.body);
    r.headers["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_sessions_own_client_signs_it_out_and_goes_back() {
    let env = env().await;
    let c = rp(&env).await;
    for method in [Method::GET, Method::POST] {
        let (_, cookie) = signed_in(&env).await;
        let (id_token, refresh_token) = sign_in_rp(&env, &c, &cookie).await;
        let r = logout(
            &env,
            method,
            Some(&cookie),
            &[
                ("id_token_hint", &id_token),
                ("post_logout_redirect_uri", AFTER),
                ("state", "bye-1"),
            ],
        )
        .await;
        assert_eq!(to(&r), format!("{AFTER}?state=bye-1"));
        let cleared = r.headers["set-cookie"].to_str().unwrap();
        assert!(cleared.starts_with("sid=;"), "{cleared}");
        // The session and what it granted are gone.
        let (base, _) =
            location(&authorize(&env, Some(&cookie), &borrow(&standard(&c, "openid"))).await);
        assert!(base.ends_with("/signin"), "{base}");
        assert_eq!(
            refresh(&env, &c, &refresh_token).await.body["error"],
            "invalid_grant"
        );
    }
}

#[tokio::test]
async fn without_the_sessions_own_hint_nothing_ends() {
    let env = env().await;
    let c = rp(&env).await;
    let (_, cookie) = signed_in(&env).await;
    let (_, other_cookie) = signed_in(&env).await;
    let (others_token, _) = sign_in_rp(&env, &c, &other_cookie).await;
    let before = env.snapshot().await;
    // No hint, or another session's: the confirmation page, nothing ended.
    for params in [vec![], vec![("id_token_hint", others_token.as_str())]] {
        let r = logout(&env, Method::GET, Some(&cookie), &params).await;
        assert!(
            to(&r).starts_with(&format!("{ISSUER}/signout")),
            "{params:?}"
        );
        assert!(r.headers.get("set-cookie").is_none());
    }
    assert_eq!(env.snapshot().await, before);
    // Still signed in.
    let r = authorize(&env, Some(&cookie), &borrow(&standard(&c, "openid"))).await;
    assert!(param(&location(&r).1, "code").is_some());
}

#[tokio::test]
async fn bad_hints_and_destinations_are_refused_and_redirect_nowhere() {
    let env = env().await;
    let c = rp(&env).await;
    let other = rp(&env).await;
    let (_, cookie) = signed_in(&env).await;
    let (id_token, _) = sign_in_rp(&env, &c, &cookie).await;
    let before = env.snapshot().await;
    let forged = format!("{}x", &id_token[..id_token.len() - 1]);
    for params in [
        vec![("id_token_hint", "not-a-jwt")],
        vec![("id_token_hint", forged.as_str())],
        vec![
            ("id_token_hint", &id_token),
            ("post_logout_redirect_uri", "https://evil.example/"),
        ],
        vec![("id_token_hint", &id_token), ("client_id", &other.id)],
        vec![("post_logout_redirect_uri", AFTER)],
        vec![
            ("client_id", &c.id),
            ("post_logout_redirect_uri", "https://evil.example/"),
        ],
    ] {
        let r = logout(&env, Method::GET, Some(&cookie), &params).await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{params:?}: {:?}",
            r.body
        );
        assert!(r.headers.get("location").is_none());
    }
    assert_eq!(env.snapshot().await, before);
    // Without a session there is nothing to end: straight to the destination.
    let r = logout(
        &env,
        Method::GET,
        None,
        &[("client_id", &c.id), ("post_logout_redirect_uri", AFTER)],
    )
    .await;
    assert_eq!(to(&r), AFTER);
}
