//! Issue 18, finding 9: one CSRF rule on every surface. `POST
//! /user/logout-all`, `/user/logout`, `/user/login` and the invitation
//! join link accepted cookie requests with `Origin: https://evil.example`
//! and `Sec-Fetch-Site: cross-site`, while the App API refused the same.
//! Every cookie-bearing state change and every sign-in now passes
//! `web::same_origin` first, answered in the surface's own envelope.

use crate::gate_support::*;
use crate::users_support::{session, PASSWORD};
use http::{Method, StatusCode};
use platform_tests::{Reply, TestEnv};
use serde_json::{json, Value};

/// The request as another site's page would make the browser send it.
fn evil(cookie: Option<&str>) -> Caller {
    let caller = Caller {
        origin: Some("https://evil.example"),
        ..Caller::default()
    };
    match cookie {
        Some(c) => caller.with_cookie(c),
        None => caller,
    }
}

/// The same request from the platform's own page.
fn own(cookie: Option<&str>) -> Caller {
    let caller = Caller {
        origin: Some("https://api.example.com"),
        ..Caller::default()
    };
    match cookie {
        Some(c) => caller.with_cookie(c),
        None => caller,
    }
}

fn refused(r: &Reply) -> bool {
    let code = [&r.body["code"], &r.body["error"]["code"], &r.body["error"]]
        .iter()
        .filter_map(|v| v.as_str())
        .map(str::to_owned)
        .collect::<Vec<_>>();
    r.status == StatusCode::FORBIDDEN
        && code.iter().any(|c| {
            c.eq_ignore_ascii_case("crosssiterequest")
                || c == "cross_site_request"
                || c == "permission_denied"
        })
}

async fn both(env: &TestEnv, uri: &str, body: Value, cookie: Option<&str>) -> (Reply, Reply) {
    let before = env.snapshot().await;
    let bad = post(env, uri, body.clone(), &evil(cookie)).await;
    assert_eq!(
        env.snapshot().await,
        before,
        "{uri}: the refusal wrote nothing"
    );
    let good = post(env, uri, body, &own(cookie)).await;
    (bad, good)
}

#[tokio::test]
async fn cookie_state_changes_and_sign_ins_are_refused_from_other_sites_on_every_surface() {
    let env = env().await;
    let p = person(&env).await;
    let cookie = session(&env, &p).await;
    let sign_in = json!({"username": p.username, "password": PASSWORD, "userAgent": "x"});
    let cases: Vec<(&str, Value, Option<&str>)> = vec![
        ("/user/login", sign_in.clone(), None),
        (
            "/api/v1/accounts/auth",
            json!({"username": p.username, "password": PASSWORD}),
            None,
        ),
        (
            "/user/do-2fa",
            json!({"target": p.id, "code": "123456", "sessionHash": "x"}),
            None,
        ),
        (
            "/user/2fa/disable",
            json!({"password": PASSWORD}),
            Some(&cookie),
        ),
        ("/user/logout", json!({}), Some(&cookie)),
    ];
    for (uri, body, cookie) in cases {
        let (bad, good) = both(&env, uri, body, cookie).await;
        assert!(refused(&bad), "{uri}: {:?} {:?}", bad.status, bad.body);
        assert!(
            !refused(&good),
            "{uri}: the own origin passes: {:?}",
            good.body
        );
    }
    // Sec-Fetch-Site alone says it too, and the App API answers in its shape.
    let cookie = session(&env, &p).await;
    let r = send(
        &env,
        Method::POST,
        "/user/logout-all",
        None,
        &Caller::default().with_cookie(&cookie),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "no browser marks: a server's call passes"
    );
    let cookie = session(&env, &p).await;
    let req = http::Request::builder()
        .method(Method::POST)
        .uri("/user/logout-all")
        .header("cookie", &cookie)
        .header("sec-fetch-site", "cross-site")
        .body(axum::body::Body::empty())
        .unwrap();
    let r = env.send(req).await;
    assert!(refused(&r), "{:?}", r.body);
    let r = crate::app_support::form(
        &env,
        "/api/update/language/",
        "language=es",
        crate::app_support::As {
            cookie: Some(cookie.trim_start_matches("sid=")),
            origin: Some("https://evil.example"),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.body["error"], "permission_denied");
}

#[tokio::test]
async fn the_invitation_link_is_not_accepted_from_another_site() {
    let env = crate::sites_support::env().await;
    let admin = crate::sites_support::person(&env).await;
    let guest = crate::sites_support::person(&env).await;
    let site =
        crate::sites_support::site(&env, &admin.user, sites::model::SiteType::Shop, "Csrf").await;
    let inv = crate::sites_support::invite(&env, &admin, site, &guest.user.username).await;
    let link = crate::sites_support::rel(inv["link"].as_str().unwrap());
    let (bad, good) = both(&env, &link, json!({}), Some(&guest.cookie)).await;
    assert!(refused(&bad), "{:?}", bad.body);
    assert_eq!(good.status, StatusCode::OK, "{:?}", good.body);
}
