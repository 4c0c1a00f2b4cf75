//! The pages' passkeys parts over HTTP against the emulator: the script
//! (served by the function, cached for good under a versioned name, named
//! only by the pages that use it), and `POST /signin/passkey`, the code
//! step the script goes to when a passkey was one factor of two. The
//! ceremonies themselves run in a real Chromium (tests/browser/passkeys.py).

use crate::pages_support::*;
use http::StatusCode;

/// The script's address as the page names it (minijinja escapes `/`).
fn script_url(page: &str) -> String {
    let start = page.find("<script src=\"").unwrap() + "<script src=\"".len();
    let url = &page[start..];
    url[..url.find('"').unwrap()].replace("&#x2f;", "/")
}

#[tokio::test]
async fn the_passkeys_script_is_the_pages_own_and_cached_for_good() {
    let env = env().await;
    let mut b = Browser::default();
    let signin = b.get(&env, "/signin").await;
    let page = html(&signin).to_owned();
    assert_no_inline_script(&page);
    assert!(page.contains("autocomplete=\"username webauthn\""));
    assert!(page.contains("id=\"passkey-signin\""));
    // Hidden until the script finds WebAuthn: without it the page is as before.
    assert!(page.contains("class=\"passkey\" aria-labelledby=\"passkey-h\" hidden"));
    let url = script_url(&page);
    assert!(url.starts_with("/pages/passkeys.js?v="), "{url}");

    let js = b.get(&env, &url).await;
    assert_eq!(js.status, StatusCode::OK);
    let h = |name: &str| js.headers[name].to_str().unwrap().to_owned();
    assert_eq!(h("content-type"), "text/javascript; charset=utf-8");
    assert_eq!(h("cache-control"), "public, max-age=31536000, immutable");
    assert_eq!(h("x-content-type-options"), "nosniff");
    let source = js.body.as_str().unwrap();
    assert!(source.contains("navigator.credentials"));
    assert!(!source.contains("eval(") && !source.contains("new Function"));

    // The account page names it too; pages without passkeys do not.
    let p = signed_up(&env).await;
    let mut signed = signed_in(&env, &p).await;
    let account = signed.get(&env, "/account").await;
    assert_eq!(script_url(html(&account)), url);
    assert!(html(&account).contains("id=\"passkeys\""));
    let signup = b.get(&env, "/signup").await;
    assert!(!html(&signup).contains("<script"));
    let es = b.get(&env, "/signin?ui_locales=es").await;
    assert!(html(&es).contains("Iniciar sesión con una llave de acceso"));
}

/// A real challenge of a 2FA account, as a password sign-in leaves it.
async fn challenge(env: &platform_tests::TestEnv) -> (Person, String, String) {
    let p = signed_up(env).await;
    email_two_factor(env, &p).await;
    let r = Browser::default()
        .sign_in(env, &p.username, PASSWORD, "")
        .await;
    let page = html(&r);
    let (target, challenge) = (hidden(page, "target"), hidden(page, "challenge"));
    (p, target.to_owned(), challenge.to_owned())
}

#[tokio::test]
async fn a_passkey_of_a_two_factor_account_continues_at_the_code_step() {
    let env = env().await;
    let (p, target, challenge) = challenge(&env).await;
    let back = "/oauth/authorize?client_id=abc";
    let mut b = Browser::default();
    let fields = [
        ("target", target.as_str()),
        ("challenge", challenge.as_str()),
        ("return_to", back),
    ];
    let before = env.snapshot().await;
    let r = b.post(&env, "/signin/passkey?ui_locales=en", &fields).await;
    assert_eq!(r.status, StatusCode::OK, "{}", html(&r));
    let page = html(&r).to_owned();
    // Nothing read about the account, nothing written: the page names
    // both kinds of code rather than say whether it has an app.
    assert_eq!(env.snapshot().await, before);
    assert!(page.contains("also asks for a code"));
    assert_eq!(hidden(&page, "target"), target);
    assert_eq!(hidden(&page, "challenge"), challenge);
    assert_eq!(hidden(&page, "either"), "1");
    assert!(!b.cookies.contains_key("sid"));

    // A wrong code keeps the same words; the emailed one completes.
    let mut answer = fields.to_vec();
    answer.extend([("either", "1"), ("code", "000000")]);
    let wrong = b.post(&env, "/signin/second-factor", &answer).await;
    assert!(html(&wrong).contains("also asks for a code"));
    let code = crate::users_support::last_code(&env, &p.email).await;
    answer.pop();
    answer.push(("code", &code));
    let r = b.post(&env, "/signin/second-factor", &answer).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    assert_eq!(location(&r), back);
    assert!(b.cookies.contains_key("sid"));
}

#[tokio::test]
async fn the_passkey_code_step_refuses_bad_and_foreign_forms() {
    let env = env().await;
    let (_, target, challenge) = challenge(&env).await;
    let before = env.snapshot().await;
    let mut b = Browser::default();
    let good = [
        ("target", target.as_str()),
        ("challenge", challenge.as_str()),
    ];

    // Without the form's token.
    let r = b.post_raw(&env, "/signin/passkey", &good).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(html(&r).contains("This form expired"));

    // A missing or garbled challenge or user: sign in again, in words.
    for fields in [
        vec![("target", target.as_str())],
        vec![("target", "nobody"), ("challenge", challenge.as_str())],
        vec![
            ("target", target.as_str()),
            ("challenge", "not-a-challenge"),
        ],
    ] {
        let r = b.post(&env, "/signin/passkey", &fields).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", html(&r));
        assert!(html(&r).contains("role=\"alert\""));
        assert!(!html(&r).contains("name=\"code\""));
    }

    // Posted from another site.
    let mut cross = Browser::default();
    cross.get(&env, "/signin").await;
    cross.extra.push(("origin", "https://evil.example".into()));
    cross.extra.push(("host", "127.0.0.1:3000".into()));
    let r = cross.post(&env, "/signin/passkey", &good).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(env.snapshot().await, before);
    assert!(!b.cookies.contains_key("sid") && !cross.cookies.contains_key("sid"));
}

#[tokio::test]
async fn the_code_step_offers_a_passkey_and_remembers_the_device_when_asked() {
    let env = env().await;
    let p = signed_up(&env).await;
    email_two_factor(&env, &p).await;
    let mut b = Browser::default();
    let r = b.sign_in(&env, &p.username, PASSWORD, "/account").await;
    assert_eq!(r.status, StatusCode::OK, "{}", html(&r));
    let page = html(&r).to_owned();
    assert!(page.contains(r#"id="passkey-factor""#), "{page}");
    assert!(page.contains(r#"name="remember""#), "{page}");
    assert_no_inline_script(&page);
    let code = crate::users_support::last_code(&env, &p.email).await;
    let fields = [
        ("target", hidden(&page, "target")),
        ("challenge", hidden(&page, "challenge")),
        ("return_to", "/account"),
        ("code", code.as_str()),
        ("remember", "1"),
    ];
    let r = b.post(&env, "/signin/second-factor", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    assert_eq!(location(&r), "/account");

    // Signed out, the same browser signs in with the password alone...
    b.cookies.remove("sid");
    let r = b.sign_in(&env, &p.username, PASSWORD, "/account").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    assert!(b.cookies.contains_key("sid"));
    // ...and another browser still answers the code step.
    let mut other = Browser::default();
    let r = other.sign_in(&env, &p.username, PASSWORD, "/account").await;
    assert_eq!(r.status, StatusCode::OK, "{}", html(&r));
    assert!(html(&r).contains(r#"name="challenge""#));
}
