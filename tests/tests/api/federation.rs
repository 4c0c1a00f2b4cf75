//! The platform as a client of a real OpenID provider (oidc-provider-mock
//! from PyPI, started by `make test` through scripts/idp.sh; its issuer in
//! `FEDERATION_ISSUER`): discovery, the authorization request, the code
//! exchange and the `id_token` checked against the provider's keys, and
//! each tampering refused.

use federation::flow::{finish, start, Callback, Pending};
use federation::{FederationError, Provider};
use std::collections::BTreeMap;
use url::Url;

const REDIRECT: &str = "http://127.0.0.1:3000/signin/network/callback";

fn issuer() -> String {
    std::env::var("FEDERATION_ISSUER").expect(
        "FEDERATION_ISSUER must name an OpenID provider: run the tests with `make test`, \
         or `export FEDERATION_ISSUER=$(scripts/idp.sh start free)`",
    )
}

fn provider(client_id: &str) -> Provider {
    let settings: BTreeMap<String, String> = [
        ("client_id", client_id),
        ("client_secret", "a-client-secret"),
        ("issuer", &issuer()),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    Provider::from_settings("dev", &settings).unwrap()
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// `sub` signs in on the provider's form; the callback it redirects to.
async fn sign_in_at_provider(url: &Url, sub: &str, claims: serde_json::Value) -> Callback {
    let base = issuer();
    let r = http()
        .put(format!("{base}/users/{sub}"))
        .json(&claims)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = http()
        .post(url.as_str())
        .form(&[("sub", sub)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302, "{:?}", r.text().await);
    let location = Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
    assert!(location.as_str().starts_with(REDIRECT), "{location}");
    let get = |name: &str| {
        location
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    Callback {
        code: get("code"),
        state: get("state"),
        iss: get("iss"),
        error: get("error"),
    }
}

async fn started(p: &Provider) -> (Url, Pending) {
    start(p, REDIRECT).await.unwrap()
}

#[tokio::test]
async fn a_provider_sign_in_proves_who_and_what_is_verified() {
    let p = provider("platform-test");
    let (url, pending) = started(&p).await;
    for part in [
        "code_challenge_method=S256",
        "nonce=",
        "state=",
        "scope=openid",
    ] {
        assert!(url.as_str().contains(part), "{part}: {url}");
    }
    let claims = serde_json::json!({"email": "ann@example.com", "email_verified": true,
                                    "name": "Ann Smith", "preferred_username": "ann"});
    let callback = sign_in_at_provider(&url, "ann-at-idp", claims).await;
    let who = finish(&p, &pending, &callback).await.unwrap();
    assert_eq!(who.subject, "ann-at-idp");
    assert_eq!(who.email.as_deref(), Some("ann@example.com"));
    assert!(who.email_verified);

    // The same code again: the provider refuses it.
    let again = finish(&p, &pending, &callback).await;
    assert!(
        matches!(again, Err(FederationError::Denied(_))),
        "{again:?}"
    );
}

#[tokio::test]
async fn an_address_the_provider_does_not_vouch_for_is_not_verified() {
    let p = provider("platform-test");
    let (url, pending) = started(&p).await;
    let claims = serde_json::json!({"email": "bob@example.com"});
    let callback = sign_in_at_provider(&url, "bob-at-idp", claims).await;
    let who = finish(&p, &pending, &callback).await.unwrap();
    assert_eq!(who.email.as_deref(), Some("bob@example.com"));
    assert!(!who.email_verified);
}

#[tokio::test]
async fn tampered_callbacks_prove_nobody() {
    let p = provider("platform-test");
    let claims = serde_json::json!({"email": "eve@example.com", "email_verified": true});

    // Another browser's state.
    let (url, pending) = started(&p).await;
    let mut callback = sign_in_at_provider(&url, "eve", claims.clone()).await;
    callback.state = Some("not-this-browsers".into());
    assert_eq!(
        finish(&p, &pending, &callback).await,
        Err(FederationError::StateMismatch)
    );

    // An id_token bound to another sign-in's nonce.
    let (url, pending) = started(&p).await;
    let callback = sign_in_at_provider(&url, "eve", claims.clone()).await;
    let other = Pending {
        nonce: "another-sign-ins-nonce".into(),
        ..pending
    };
    assert_eq!(
        finish(&p, &other, &callback).await,
        Err(FederationError::NonceMismatch)
    );

    // A response that names another issuer (RFC 9207).
    let (url, pending) = started(&p).await;
    let mut callback = sign_in_at_provider(&url, "eve", claims.clone()).await;
    callback.iss = Some("https://evil.example".into());
    assert_eq!(
        finish(&p, &pending, &callback).await,
        Err(FederationError::WrongIssuer)
    );

    // A code the provider issued to another client.
    let (url, pending) = started(&provider("someone-else")).await;
    let callback = sign_in_at_provider(&url, "eve", claims).await;
    assert!(finish(&p, &pending, &callback).await.is_err());
}
