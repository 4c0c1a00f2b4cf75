//! `GET /user/sessions` and `DELETE /user/sessions/{id}`: a user's sessions
//! one by one, ending one (and only one's own), and the hosted account
//! page's list doing the same.

use crate::users_support::*;
use domain::scopes::PROFILE_WRITE;
use http::{Method, StatusCode};
use serde_json::Value;

async fn sessions(env: &platform_tests::TestEnv, cookie: &str) -> Vec<Value> {
    let r = call(
        env,
        Method::GET,
        "/user/sessions",
        None,
        &[("cookie", cookie)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(r.body["data"]["nextCursor"].is_null());
    r.body["data"]["sessions"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_user_lists_and_ends_their_own_sessions_only() {
    let env = env().await;
    let p = verified(&env).await;
    let (one, two) = (session(&env, &p).await, session(&env, &p).await);
    let listed = sessions(&env, &one).await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed.iter().filter(|s| s["current"] == true).count(), 1);
    assert!(listed.iter().all(|s| s["kind"] == "session"));
    let other = listed.iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Someone else cannot end it, nor learn whether it exists.
    let q = verified(&env).await;
    let stranger = session(&env, &q).await;
    let path = format!("/user/sessions/{other}");
    let r = call(&env, Method::DELETE, &path, None, &[("cookie", &stranger)]).await;
    assert_error(&r, StatusCode::NOT_FOUND, "NotFound");
    let r = call(
        &env,
        Method::DELETE,
        "/user/sessions/nope",
        None,
        &[("cookie", &one)],
    )
    .await;
    assert_error(&r, StatusCode::NOT_FOUND, "NotFound");
    assert_eq!(sessions(&env, &two).await.len(), 2);

    let r = call(&env, Method::DELETE, &path, None, &[("cookie", &one)]).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(r.headers.get("set-cookie").is_none());
    let r = call(
        &env,
        Method::GET,
        "/user/sessions",
        None,
        &[("cookie", &two)],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(sessions(&env, &one).await.len(), 1);

    // A bearer token with profile:write lists them too; after logout-all, none.
    let token = token(&env, &p, &[PROFILE_WRITE]).await;
    let auth = bearer(&token);
    let r = call(
        &env,
        Method::GET,
        "/user/sessions",
        None,
        &[("authorization", &auth)],
    )
    .await;
    assert_eq!(r.body["data"]["sessions"].as_array().unwrap().len(), 1);
    let r = call(
        &env,
        Method::POST,
        "/user/logout-all",
        None,
        &[("cookie", &one)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let three = session(&env, &p).await;
    assert_eq!(sessions(&env, &three).await.len(), 1);
    let r = call(
        &env,
        Method::GET,
        "/user/sessions?cursor=garbage",
        None,
        &[("cookie", &three)],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_account_page_signs_out_another_session() {
    use crate::pages_support::{self as pages, html, location};
    let env = pages::env().await;
    let p = pages::signed_up(&env).await;
    let mut one = pages::signed_in(&env, &p).await;
    let mut two = pages::signed_in(&env, &p).await;
    let page = one.get(&env, "/account").await;
    let text = html(&page).to_owned();
    assert_eq!(text.matches("name=\"id\" value=\"").count(), 1, "{text}");
    let id = text
        .split("name=\"id\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let r = one
        .post(&env, "/account/sessions/end", &[("id", "nope")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = one
        .post(&env, "/account/sessions/end", &[("id", &id)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    assert!(location(&r).starts_with("/account"));
    assert_eq!(
        two.get(&env, "/account").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(one.get(&env, "/account").await.status, StatusCode::OK);
}
