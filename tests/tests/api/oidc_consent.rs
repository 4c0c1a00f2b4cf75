//! Consent at the authorization endpoint: a third-party client is sent to
//! the consent page until the user allowed its scopes; the consent is
//! remembered per user, client and scopes, asked again for more scopes or
//! with `prompt=consent`, refused with `prompt=none`, and revocable with
//! every token the client holds. First-party clients skip it.

use super::oauth::{authorize, borrow, env, location, param, refresh, signed_in, standard};
use super::oauth::{Client, REDIRECT};
use domain::scopes::ScopeSet;
use http::StatusCode;
use platform_tests::{Reply, TestEnv};
use table::ClientType;

const ISSUER: &str = "http://127.0.0.1:3000";

async fn third_party(env: &TestEnv) -> Client {
    let r = oauth::registration::register(
        &env.state.store,
        "Third Party",
        ClientType::Public,
        &[REDIRECT.to_owned()],
        &[
            "openid".to_owned(),
            "profile".to_owned(),
            "email".to_owned(),
        ],
    )
    .await
    .unwrap();
    Client {
        id: r.client.client_id,
        secret: None,
    }
}

async fn ask(
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

fn to_consent(r: &Reply) -> String {
    assert_eq!(r.status, StatusCode::FOUND, "{:?}", r.body);
    let to = r.headers["location"].to_str().unwrap();
    assert!(to.starts_with(&format!("{ISSUER}/consent?")), "{to}");
    param(&location(r).1, "return_to").unwrap().to_owned()
}

fn code_of(r: &Reply) -> String {
    let (base, pairs) = location(r);
    assert_eq!(base, REDIRECT);
    param(&pairs, "code").expect("a code").to_owned()
}

#[tokio::test]
async fn a_third_party_client_waits_for_consent_and_it_is_remembered() {
    let env = env().await;
    let c = third_party(&env).await;
    let (user, cookie) = signed_in(&env).await;
    let before = env.snapshot().await;
    let back = to_consent(&ask(&env, &cookie, &c, "openid profile", &[]).await);
    assert!(back.starts_with("/oauth/authorize?"), "{back}");
    assert_eq!(env.snapshot().await, before, "asking writes nothing");

    let scopes = ScopeSet::parse("openid profile").unwrap();
    assert!(
        identity::consent::allow(&env.state, &user.id, &c.id, &scopes)
            .await
            .unwrap()
    );
    code_of(&ask(&env, &cookie, &c, "openid profile", &[]).await);
    code_of(&ask(&env, &cookie, &c, "openid", &[]).await);
    // More than was allowed, or prompt=consent: asked again.
    to_consent(&ask(&env, &cookie, &c, "openid email", &[]).await);
    let back = to_consent(&ask(&env, &cookie, &c, "openid", &[("prompt", "consent")]).await);
    assert!(!back.contains("prompt"), "{back}");
    // With login too: signing in comes first, and the way back still asks.
    let r = ask(&env, &cookie, &c, "openid", &[("prompt", "login consent")]).await;
    let back = param(&location(&r).1, "return_to").unwrap().to_owned();
    assert!(back.contains("prompt=consent"), "{back}");
    // prompt=none cannot ask.
    let r = ask(&env, &cookie, &c, "openid email", &[("prompt", "none")]).await;
    assert_eq!(param(&location(&r).1, "error"), Some("consent_required"));

    let apps = identity::consent::connected_apps(&env.state, &user.id)
        .await
        .unwrap();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0].name, "Third Party");
    assert_eq!(apps[0].scopes.to_string(), "openid profile");
}

#[tokio::test]
async fn a_denial_goes_back_to_the_client() {
    let env = env().await;
    let c = third_party(&env).await;
    let (_, cookie) = signed_in(&env).await;
    let r = ask(&env, &cookie, &c, "openid", &[("consent", "denied")]).await;
    let (base, pairs) = location(&r);
    assert_eq!(base, REDIRECT);
    assert_eq!(param(&pairs, "error"), Some("access_denied"));
    assert_eq!(param(&pairs, "state"), Some("st-123"));
}

#[tokio::test]
async fn revoking_a_client_ends_its_tokens_and_asks_again() {
    let env = env().await;
    let c = third_party(&env).await;
    let (user, cookie) = signed_in(&env).await;
    let scopes = ScopeSet::parse("openid").unwrap();
    identity::consent::allow(&env.state, &user.id, &c.id, &scopes)
        .await
        .unwrap();
    let code = code_of(&ask(&env, &cookie, &c, "openid", &[]).await);
    let t = super::oauth::exchange(&env, &c, &code).await;
    let refresh_token = t.body["refresh_token"].as_str().unwrap().to_owned();

    let attempt = identity::gate::Attempt {
        source: Some("198.51.100.23".parse().unwrap()),
        device: None,
        user_agent: Some("consent-tests".into()),
    };
    identity::consent::revoke(&env.state, &attempt, &user.id, &c.id)
        .await
        .unwrap();
    let events = crate::audit_support::events_of(&env, user.id.as_str()).await;
    let revoked = crate::audit_support::newest(&events, "oauth_access_revoked");
    assert_eq!(revoked.detail["client_id"], c.id);
    assert_eq!(revoked.ip.as_deref(), Some("198.51.100.23"));
    assert_eq!(revoked.user_agent.as_deref(), Some("consent-tests"));
    assert_eq!(
        refresh(&env, &c, &refresh_token).await.body["error"],
        "invalid_grant"
    );
    to_consent(&ask(&env, &cookie, &c, "openid", &[]).await);
    assert!(identity::consent::connected_apps(&env.state, &user.id)
        .await
        .unwrap()
        .is_empty());
    // Nothing of the client is left in the user's partition.
    let items = format!("{:?}", env.items().await);
    assert!(!items.contains(&format!("APPGRANT#{}", c.id)), "{items}");
}
