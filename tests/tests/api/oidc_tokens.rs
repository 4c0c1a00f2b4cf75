//! The token endpoint beyond the user's code: `client_credentials`
//! (machine-to-machine), introspection (RFC 7662) for resource servers,
//! and the refresh reuse grace (parallel refreshes of one client share one
//! successor; a replay after the window revokes the family).

use super::oauth::{
    call, client, code, env, exchange, refresh, signed_in, token, tokens, Client, READ,
};
use aws_sdk_dynamodb::types::AttributeValue;
use axum::body::Body;
use http::{Method, Request, StatusCode};
use platform_tests::{Reply, TestEnv};
use serde_json::json;
use table::ClientType;

const WRITE: &str = "delegated:profile:write";

async fn client_credentials(env: &TestEnv, c: &Client, scope: Option<&str>) -> Reply {
    let secret = c.secret.as_deref().unwrap_or("");
    let mut form = vec![("grant_type", "client_credentials")];
    if let Some(scope) = scope {
        form.push(("scope", scope));
    }
    token(env, &form, Some((&c.id, secret))).await
}

async fn introspect(env: &TestEnv, c: &Client, token: &str) -> Reply {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("token", token)
        .append_pair("client_id", &c.id)
        .append_pair("client_secret", c.secret.as_deref().unwrap_or(""))
        .finish();
    env.send(
        Request::builder()
            .method(Method::POST)
            .uri("/oauth/introspect")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn client_credentials_gives_a_machine_its_own_token() {
    let env = env().await;
    let m = client(&env, ClientType::Confidential, &[READ, WRITE, "openid"]).await;
    let public = client(&env, ClientType::Public, &[READ]).await;
    let before = env.snapshot().await;

    let r = client_credentials(&env, &m, None).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        r.body["scope"],
        format!("{READ} {WRITE}"),
        "openid is a user's"
    );
    assert!(r.body.get("refresh_token").is_none());
    assert!(r.body.get("id_token").is_none());
    assert_eq!(r.headers["cache-control"], "no-store");
    let access = r.body["access_token"].as_str().unwrap();
    // No user API takes it: its subject is the client.
    assert_eq!(
        call(&env, access, READ).await.status,
        StatusCode::UNAUTHORIZED
    );

    let narrow = client_credentials(&env, &m, Some(READ)).await;
    assert_eq!(narrow.body["scope"], READ);
    for (scope, error) in [("openid", "invalid_scope"), ("nope:scope", "invalid_scope")] {
        let r = client_credentials(&env, &m, Some(scope)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{scope}");
        assert_eq!(r.body["error"], error, "{scope}");
    }
    // Public clients have no secret to prove themselves with.
    let r = token(
        &env,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &public.id),
        ],
        None,
    )
    .await;
    assert_eq!(r.body["error"], "unauthorized_client");
    // A wrong secret.
    let wrong = Client {
        id: m.id.clone(),
        secret: Some("x".repeat(32)),
    };
    assert_eq!(
        client_credentials(&env, &wrong, None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(env.snapshot().await, before, "the grant writes nothing");
}

#[tokio::test]
async fn introspection_tells_a_resource_server_what_is_live() {
    let env = env().await;
    let rs = client(&env, ClientType::Confidential, &[READ]).await;
    let app = client(&env, ClientType::Confidential, &[READ]).await;
    let (user, cookie) = signed_in(&env).await;
    let c = code(&env, &cookie, &app, READ).await;
    let t = token(
        &env,
        &[
            ("grant_type", "authorization_code"),
            ("code", &c),
            ("redirect_uri", super::oauth::REDIRECT),
            ("code_verifier", super::oauth::VERIFIER),
        ],
        Some((&app.id, app.secret.as_deref().unwrap())),
    )
    .await;
    let (access, refresh_token) = tokens(&t);

    let r = introspect(&env, &rs, &access).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["active"], true);
    assert_eq!(r.body["sub"], user.id.to_string());
    assert_eq!(r.body["username"], user.username);
    assert_eq!(r.body["client_id"], app.id);
    assert_eq!(r.body["scope"], READ);
    assert_eq!(r.body["token_type"], "Bearer");

    // A refresh token: only to its own client.
    assert_eq!(
        introspect(&env, &rs, &refresh_token).await.body,
        json!({"active": false})
    );
    let own = introspect(&env, &app, &refresh_token).await;
    assert_eq!(own.body["active"], true);
    assert_eq!(own.body["token_type"], "refresh_token");

    // A machine token is live while its client is.
    let m = client_credentials(&env, &rs, None).await;
    let machine = introspect(&env, &app, m.body["access_token"].as_str().unwrap()).await;
    assert_eq!(machine.body["active"], true);
    assert_eq!(machine.body["sub"], rs.id);

    for junk in ["", "junk", "a.b.c", &format!("{access}x")] {
        let r = introspect(&env, &rs, junk).await;
        assert_eq!(r.body, json!({"active": false}), "{junk}");
    }
    // Revoked: inactive at once.
    super::oauth::void_tokens(&env, &user.id).await;
    assert_eq!(
        introspect(&env, &rs, &access).await.body,
        json!({"active": false})
    );
    assert_eq!(
        introspect(&env, &app, &refresh_token).await.body,
        json!({"active": false})
    );

    // Only a confidential client, authenticated, may ask.
    let public = client(&env, ClientType::Public, &[READ]).await;
    assert_eq!(
        introspect(&env, &public, &access).await.body["error"],
        "unauthorized_client"
    );
    let wrong = Client {
        id: rs.id.clone(),
        secret: Some("y".repeat(32)),
    };
    assert_eq!(
        introspect(&env, &wrong, &access).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_replay_within_the_grace_gets_the_same_successor_and_later_revokes() {
    let env = env().await;
    let (_, cookie) = signed_in(&env).await;
    let c = client(&env, ClientType::Public, &[READ]).await;
    let code = code(&env, &cookie, &c, READ).await;
    let (_, rt1) = tokens(&exchange(&env, &c, &code).await);

    // Two tabs refresh at once: both succeed with one successor.
    let (a, b) = tokio::join!(refresh(&env, &c, &rt1), refresh(&env, &c, &rt1));
    let (access_a, rt2) = tokens(&a);
    let (access_b, rt2_again) = tokens(&b);
    assert_eq!(rt2, rt2_again);
    for access in [&access_a, &access_b] {
        assert_eq!(call(&env, access, READ).await.status, StatusCode::OK);
    }
    // A retry after a lost response, still within the window.
    assert_eq!(tokens(&refresh(&env, &c, &rt1).await).1, rt2);
    // The stored rotation does not hold the successor in the clear.
    assert!(!format!("{:?}", env.items().await).contains(rt2.split_once('.').unwrap().1));

    // After the window, the same replay is reuse: the family dies.
    let family = rt1.split_once('.').unwrap().0;
    env.state
        .store
        .client()
        .update_item()
        .table_name(env.state.store.table())
        .key("pk", AttributeValue::S(table::keys::oauth_family(family)))
        .key("sk", AttributeValue::S(table::keys::OAUTH_FAMILY_SK.into()))
        .update_expression("SET last_rotation.at_ms = :old")
        .expression_attribute_values(":old", AttributeValue::N("1".into()))
        .send()
        .await
        .unwrap();
    assert_eq!(refresh(&env, &c, &rt1).await.body["error"], "invalid_grant");
    assert_eq!(refresh(&env, &c, &rt2).await.body["error"], "invalid_grant");
    assert_eq!(
        call(&env, &access_a, READ).await.status,
        StatusCode::UNAUTHORIZED
    );
}
