//! A third-party client through the hosted pages, as a browser goes:
//! `/oauth/authorize` → sign in → consent → back to the client with a
//! code; a denial goes back as `access_denied`; the consent page refuses
//! requests it cannot answer and forms without their CSRF token, writing
//! nothing. And the sign-out confirmation RP-initiated logout falls back to.

use super::oauth::REDIRECT;
use super::pages_support::{env, html, location, signed_up, Browser, PASSWORD};
use http::StatusCode;
use platform_tests::{Reply, TestEnv};
use table::ClientType;

const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

async fn third_party(env: &TestEnv, name: &str) -> String {
    oauth::registration::register(
        &env.state.store,
        name,
        ClientType::Public,
        &[REDIRECT.to_owned()],
        &["openid".to_owned(), "profile".to_owned()],
    )
    .await
    .unwrap()
    .client
    .client_id
}

fn authorize_path(client_id: &str) -> String {
    let q = serde_urlencoded::to_string([
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", REDIRECT),
        ("scope", "openid profile"),
        ("state", "st-1"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
        ("nonce", "n-1"),
    ])
    .unwrap();
    format!("/oauth/authorize?{q}")
}

/// The path (and query) of a redirect's `Location`, whatever its origin.
fn path_of(r: &Reply) -> String {
    let to = location(r);
    match to.find("://") {
        Some(i) => to[i + 3..]
            .find('/')
            .map(|j| to[i + 3 + j..].to_owned())
            .unwrap(),
        None => to.to_owned(),
    }
}

fn return_to(r: &Reply) -> String {
    let url = url::Url::parse(&format!("http://x{}", path_of(r))).unwrap();
    url.query_pairs()
        .find(|(k, _)| k == "return_to")
        .map(|(_, v)| v.into_owned())
        .unwrap()
}

#[tokio::test]
async fn sign_in_then_consent_then_a_code_the_client_can_redeem() {
    let env = env().await;
    let person = signed_up(&env).await;
    let client_id = third_party(&env, "Gallery App").await;
    let mut b = Browser::default();

    let r = b.get(&env, &authorize_path(&client_id)).await;
    assert!(path_of(&r).starts_with("/signin?"), "{}", location(&r));
    let back = return_to(&r);
    let r = b.sign_in(&env, &person.username, PASSWORD, &back).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    let r = b.get(&env, &path_of(&r)).await;
    assert!(path_of(&r).starts_with("/consent?"), "{}", location(&r));

    let page = b.get(&env, &path_of(&r)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(html(&page).contains("Gallery App"));
    assert!(html(&page).contains("Know who you are"));
    let back = return_to(&r);
    let r = b
        .post(
            &env,
            "/consent",
            &[("return_to", &back), ("decision", "allow")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    let r = b.get(&env, &path_of(&r)).await;
    assert!(location(&r).starts_with(REDIRECT), "{}", location(&r));
    let code = url::Url::parse(location(&r))
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let t = super::oauth::exchange(
        &env,
        &super::oauth::Client {
            id: client_id.clone(),
            secret: None,
        },
        &code,
    )
    .await;
    assert_eq!(t.status, StatusCode::OK, "{:?}", t.body);
    assert!(t.body["id_token"].is_string());
    // Remembered: the next authorization goes straight back with a code.
    let r = b.get(&env, &authorize_path(&client_id)).await;
    assert!(location(&r).starts_with(REDIRECT), "{}", location(&r));
}

#[tokio::test]
async fn a_denial_reaches_the_client_as_access_denied() {
    let env = env().await;
    let person = signed_up(&env).await;
    let client_id = third_party(&env, "Nosy App").await;
    let mut b = super::pages_support::signed_in(&env, &person).await;
    let r = b.get(&env, &authorize_path(&client_id)).await;
    let back = return_to(&r);
    let r = b
        .post(
            &env,
            "/consent",
            &[("return_to", &back), ("decision", "deny")],
        )
        .await;
    let r = b.get(&env, &path_of(&r)).await;
    let to = url::Url::parse(location(&r)).unwrap();
    let error = to
        .query_pairs()
        .find(|(k, _)| k == "error")
        .unwrap()
        .1
        .into_owned();
    assert_eq!(error, "access_denied");
}

#[tokio::test]
async fn the_consent_page_refuses_what_it_cannot_answer_and_writes_nothing() {
    let env = env().await;
    let person = signed_up(&env).await;
    let client_id = third_party(&env, "Some App").await;
    let mut b = super::pages_support::signed_in(&env, &person).await;
    let good = authorize_path(&client_id);
    let before = env.snapshot().await;
    let wider = good.replace("openid+profile", "openid+email");
    for back in [
        "/account",
        "https://evil.example/oauth/authorize?x=1",
        wider.as_str(),
    ] {
        let r = b
            .post(
                &env,
                "/consent",
                &[("return_to", back), ("decision", "allow")],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{back}");
    }
    // No CSRF token: nothing allowed.
    let r = b
        .post_raw(
            &env,
            "/consent",
            &[("return_to", &good), ("decision", "allow")],
        )
        .await;
    assert_ne!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(env.snapshot().await, before);
    // Not signed in: to the sign-in page first.
    let r = Browser::default()
        .get(&env, &format!("/consent?return_to={}", urlencode(&good)))
        .await;
    assert!(path_of(&r).starts_with("/signin?"), "{}", location(&r));
}

#[tokio::test]
async fn the_sign_out_confirmation_posts_with_its_token() {
    let env = env().await;
    let person = signed_up(&env).await;
    let mut b = super::pages_support::signed_in(&env, &person).await;
    let page = b.get(&env, "/signout").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(html(&page).contains("name=\"csrf\""));
    let r = b.post(&env, "/signout", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(!b.cookies.contains_key("sid"));
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn connected_apps_are_listed_and_removing_one_ends_its_tokens() {
    let env = env().await;
    let person = signed_up(&env).await;
    let client_id = third_party(&env, "Photo Printer").await;
    let mut b = super::pages_support::signed_in(&env, &person).await;
    let page = b.get(&env, "/account").await;
    assert!(html(&page).contains("No app has access"));
    // Allow the app, and let it get a refresh token.
    let r = b.get(&env, &authorize_path(&client_id)).await;
    let back = return_to(&r);
    let r = b
        .post(
            &env,
            "/consent",
            &[("return_to", &back), ("decision", "allow")],
        )
        .await;
    let r = b.get(&env, &path_of(&r)).await;
    let code = url::Url::parse(location(&r))
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let t = super::oauth::exchange(
        &env,
        &super::oauth::Client {
            id: client_id.clone(),
            secret: None,
        },
        &code,
    )
    .await;
    let refresh_token = t.body["refresh_token"].as_str().unwrap().to_owned();

    let page = b.get(&env, "/account").await;
    assert!(html(&page).contains("Photo Printer"), "{}", html(&page));
    // Without the CSRF token nothing is removed.
    let r = b
        .post_raw(&env, "/account/apps/revoke", &[("client_id", &client_id)])
        .await;
    assert_ne!(r.status, StatusCode::SEE_OTHER);
    let r = b
        .post(&env, "/account/apps/revoke", &[("client_id", &client_id)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    let page = b.get(&env, &path_of(&r)).await;
    assert!(html(&page).contains("No app has access"));
    let refused = super::oauth::refresh(
        &env,
        &super::oauth::Client {
            id: client_id.clone(),
            secret: None,
        },
        &refresh_token,
    )
    .await;
    assert_eq!(refused.body["error"], "invalid_grant");
}

#[tokio::test]
async fn the_consent_page_shows_the_clients_logo_from_its_own_data() {
    let env = env().await;
    let options = oauth::registration::Options {
        logo: Some((
            "photo-book.svg".into(),
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec(),
        )),
        ..Default::default()
    };
    let client = oauth::registration::register_with(
        &env.state.store,
        "Photo Book",
        ClientType::Public,
        &[REDIRECT.to_owned()],
        &["openid".to_owned(), "profile".to_owned()],
        options,
    )
    .await
    .unwrap()
    .client
    .client_id;
    let p = signed_up(&env).await;
    let mut b = Browser::default();
    b.sign_in(&env, &p.username, PASSWORD, "").await;
    let r = b.get(&env, &authorize_path(&client)).await;
    let consent = b.get(&env, &path_of(&r)).await;
    assert_eq!(consent.status, StatusCode::OK, "{}", html(&consent));
    assert!(html(&consent).contains("class=\"client-logo\""));
    assert!(html(&consent).contains("data:image&#x2f;svg+xml;base64,"));

    // Not an image, or too big: refused at registration.
    for (name, bytes) in [
        ("logo.html", b"<b>".to_vec()),
        ("logo.png", vec![0; 40 * 1024]),
    ] {
        let options = oauth::registration::Options {
            logo: Some((name.into(), bytes)),
            ..Default::default()
        };
        let refused = oauth::registration::register_with(
            &env.state.store,
            "Bad Logo",
            ClientType::Public,
            &[REDIRECT.to_owned()],
            &["openid".to_owned()],
            options,
        )
        .await;
        assert!(
            matches!(refused, Err(oauth::registration::RegisterError::Logo)),
            "{name}"
        );
    }
}
