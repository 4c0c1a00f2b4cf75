//! The hosted pages over HTTP against the emulator: every page's success,
//! its documented refusals (nothing written), CSRF, the open-redirect rule
//! of `return_to`, the headers and the languages.

use crate::pages_support::*;
use domain::totp::totp_at;
use http::StatusCode;

#[tokio::test]
async fn pages_send_their_security_headers_and_speak_two_languages() {
    let env = env().await;
    let mut b = Browser::default();
    let r = b.get(&env, "/signin").await;
    assert_eq!(r.status, StatusCode::OK);
    let h = |name: &str| r.headers[name].to_str().unwrap().to_owned();
    assert_eq!(
        h("content-security-policy"),
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; \
         img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    );
    assert_eq!(h("cache-control"), "no-store");
    assert_eq!(h("x-content-type-options"), "nosniff");
    assert_eq!(h("referrer-policy"), "same-origin");
    assert!(h("content-type").starts_with("text/html"));
    assert!(b.cookies.contains_key("pcsrf"));
    let page = html(&r);
    assert!(page.contains("<html lang=\"en\">"));
    assert_eq!(page.matches("<h1>").count(), 1);
    assert!(!page.contains("style="));
    assert_no_inline_script(page);
    assert!(page.len() < 50 * 1024);
    assert!(page.contains(&format!("name=\"csrf\" value=\"{}\"", b.cookies["pcsrf"])));

    let es = b.get(&env, "/signin?ui_locales=fr%20es-MX").await;
    assert!(html(&es).contains("<html lang=\"es\">") && html(&es).contains("Iniciar sesión"));
    let mut spanish = Browser::default();
    spanish
        .extra
        .push(("accept-language", "es-ES,es;q=0.9,en;q=0.5".into()));
    let r = spanish.get(&env, "/signup").await;
    assert!(html(&r).contains("Crear una cuenta"));

    let css = b.get(&env, "/pages/style.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    let hint = b.get(&env, "/signin?login_hint=ada%40example.com").await;
    assert!(html(&hint).contains("value=\"ada@example.com\""));
}

#[tokio::test]
async fn sign_up_verify_sign_in_return_and_sign_out() {
    let env = env().await;
    let p = signed_up(&env).await;
    let mut b = Browser::default();
    let back = "/oauth/authorize?client_id=abc&redirect_uri=https%3A%2F%2Fapp.example%2Fcb";
    let r = b.sign_in(&env, &p.email, PASSWORD, back).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    assert_eq!(location(&r), back);
    // The same cookie session the Users API's login sets.
    let sid = b.cookies["sid"].clone();
    let (_, user) = identity::session::resolve_value(&env.state.store, &sid)
        .await
        .expect("a live session");
    assert_eq!(user.username, p.username);

    let account = b.get(&env, "/account").await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(html(&account).contains(&p.username) && html(&account).contains(&p.email));

    let r = b.post(&env, "/signout", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(!b.cookies.contains_key("sid"));
    assert!(identity::session::resolve_value(&env.state.store, &sid)
        .await
        .is_err());
    let r = b.get(&env, "/account").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/signin?return_to=%2Faccount"));
}

#[tokio::test]
async fn return_to_never_leaves_the_origin() {
    let env = env().await;
    let p = signed_up(&env).await;
    for evil in [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "/%2F%2Fevil.example",
        "http:/evil.example",
    ] {
        let mut b = Browser::default();
        let r = b.sign_in(&env, &p.username, PASSWORD, evil).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{evil}");
        assert_eq!(location(&r), "/account", "{evil}");
    }
}

#[tokio::test]
async fn forms_without_the_csrf_token_change_nothing() {
    let env = env().await;
    let before = env.snapshot().await;
    let name = platform_tests::unique_name("csrf_");
    let email = format!("{name}@example.com");
    let fields = [
        ("username", name.as_str()),
        ("firstName", "Eve"),
        ("lastName", "Doe"),
        ("email", email.as_str()),
        ("password", PASSWORD),
    ];
    // No cookie at all, then a cookie with another token in the field.
    let mut b = Browser::default();
    let r = b.post_raw(&env, "/signup", &fields).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(html(&r).contains("This form expired"));
    let mut forged = vec![("csrf", "0".repeat(64))];
    forged.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
    let forged: Vec<(&str, &str)> = forged.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = b.post_raw(&env, "/signup", &forged).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(env.snapshot().await, before);

    // A sign-in posted from another site is refused before any check.
    let p = signed_up(&env).await;
    let mut cross = Browser::default();
    cross.get(&env, "/signin").await;
    cross.extra.push(("origin", "https://evil.example".into()));
    cross.extra.push(("host", "127.0.0.1:3000".into()));
    let r = cross.sign_in(&env, &p.username, PASSWORD, "").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(html(&r).contains("This form came from another site and was refused."));
    assert!(!cross.cookies.contains_key("sid"));
}

#[tokio::test]
async fn refusals_explain_in_words_and_write_nothing() {
    let env = env().await;
    let p = signed_up(&env).await;
    let mut b = Browser::default();
    let wrong = b.sign_in(&env, &p.username, "nope-nope-nope", "").await;
    let unknown = b.sign_in(&env, "nobody_here", "nope-nope-nope", "").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    for r in [&wrong, &unknown] {
        assert!(html(r).contains("The username, email or password is wrong."));
    }
    assert!(!b.cookies.contains_key("sid"));

    let before = env.snapshot().await;
    let r = b.sign_up(&env, "x", "not-an-address").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let page = html(&r);
    assert!(page.contains("aria-describedby=\"h-username e-username\""));
    assert!(page.contains("aria-invalid=\"true\""));
    let r = b.post(&env, "/verify-email", &[("code", "abc")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(html(&r).contains("e-code"));
    let r = b
        .post(
            &env,
            "/reset-password/new",
            &[("code", "abc"), ("password", "short")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = b.post(&env, "/reset-password", &[("email", "nope")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(env.snapshot().await, before);

    // A taken username is said on its field; a taken address is not.
    let r = b
        .sign_up(&env, &p.username, "someone.else@example.com")
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(html(&r).contains("e-username"));
    let taken = platform_tests::unique_name("taken_");
    let r = b.sign_up(&env, &taken, &p.email).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/verify-email?sent=1"));

    let missing = b.get(&env, "/account/nothing-here").await;
    assert!(!html(&missing).contains("panicked"));
}

#[tokio::test]
async fn second_factor_by_email_code() {
    let env = env().await;
    let p = signed_up(&env).await;
    email_two_factor(&env, &p).await;
    let mut b = Browser::default();
    let r = b.sign_in(&env, &p.username, PASSWORD, "").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!b.cookies.contains_key("sid"));
    let page = html(&r).to_owned();
    let hidden = |name: &str| {
        let marker = format!("name=\"{name}\" value=\"");
        let rest = page.split(&marker).nth(1).unwrap();
        rest.split('"').next().unwrap().to_owned()
    };
    let (target, challenge) = (hidden("target"), hidden("challenge"));
    let wrong = b
        .post(
            &env,
            "/signin/second-factor",
            &[
                ("target", &target),
                ("challenge", &challenge),
                ("code", "000000"),
            ],
        )
        .await;
    assert_ne!(wrong.status, StatusCode::SEE_OTHER);
    assert!(!b.cookies.contains_key("sid"));
    let code = crate::users_support::last_code(&env, &p.email).await;
    let r = b
        .post(
            &env,
            "/signin/second-factor",
            &[
                ("target", &target),
                ("challenge", &challenge),
                ("code", &code),
                ("return_to", "/account"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    assert_eq!(location(&r), "/account");
    assert!(b.cookies.contains_key("sid"));
}

#[tokio::test]
async fn forgotten_password_by_code() {
    let env = env().await;
    let p = signed_up(&env).await;
    let mut b = Browser::default();
    let r = b
        .post(&env, "/reset-password", &[("email", &p.email)])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let code = crate::users_support::last_code(&env, &p.email).await;
    let new = "An0ther-long-passw0rd";
    let r = b
        .post(
            &env,
            "/reset-password/new",
            &[("code", &code), ("password", new)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    let again = b
        .post(
            &env,
            "/reset-password/new",
            &[("code", &code), ("password", new)],
        )
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    let r = b.sign_in(&env, &p.username, new, "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // An unknown address answers alike.
    let r = b
        .post(&env, "/reset-password", &[("email", "nobody@example.com")])
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn totp_enrolment_password_change_and_signing_out_everywhere() {
    let env = env().await;
    let p = signed_up(&env).await;
    let mut b = signed_in(&env, &p).await;
    let wrong = b
        .post(&env, "/account/totp", &[("totpPassword", "wrong-password")])
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(html(&wrong).contains("e-totpPassword"));
    let r = b
        .post(&env, "/account/totp", &[("totpPassword", PASSWORD)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", html(&r));
    // The QR code is an image from a data: URL (minijinja escapes its slash).
    assert!(html(&r).contains("class=\"qr\" src=\"data:image"));
    let (id, secret) = pending_totp(&env, &p.username).await;
    assert!(html(&r).contains(&secret.base32()));
    let code = totp_at(secret.bytes(), domain::time::now_secs());
    let r = b
        .post(&env, "/account/totp/confirm", &[("code", &code)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", html(&r));
    assert_eq!(
        html(&r).matches("<li><code>").count(),
        domain::totp::RECOVERY_CODES
    );
    assert!(
        env.state
            .store
            .get_user(&id)
            .await
            .unwrap()
            .unwrap()
            .two_factor_enabled
    );

    // A password change needs the current one, then ends every session.
    let r = b
        .post(
            &env,
            "/account/password",
            &[
                ("currentPassword", "wrong-password"),
                ("password", "N3w-long-password"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(html(&r).contains("e-currentPassword"));
    let r = b
        .post(
            &env,
            "/account/password",
            &[
                ("currentPassword", PASSWORD),
                ("password", "N3w-long-password"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    assert!(location(&r).starts_with("/signin?notice=password_changed"));
    assert_eq!(b.get(&env, "/account").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn signing_out_everywhere_ends_other_sessions() {
    let env = env().await;
    let p = signed_up(&env).await;
    let mut one = signed_in(&env, &p).await;
    let mut two = signed_in(&env, &p).await;
    let r = one.post(&env, "/account/signout-all", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        two.get(&env, "/account").await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_sign_in_through_the_totp_step_says_so_in_its_session() {
    let env = env().await;
    let p = signed_up(&env).await;
    let mut b = signed_in(&env, &p).await;
    b.post(&env, "/account/totp", &[("totpPassword", PASSWORD)])
        .await;
    let (_, secret) = pending_totp(&env, &p.username).await;
    let code = totp_at(secret.bytes(), domain::time::now_secs());
    let r = b
        .post(&env, "/account/totp/confirm", &[("code", &code)])
        .await;
    assert_eq!(r.status, StatusCode::OK);

    let mut c = Browser::default();
    let r = c.sign_in(&env, &p.email, PASSWORD, "/account").await;
    assert!(!c.cookies.contains_key("sid"));
    let page = html(&r).to_owned();
    let code = totp_at(secret.bytes(), domain::time::now_secs() + 30);
    let fields = [
        ("target", hidden(&page, "target")),
        ("challenge", hidden(&page, "challenge")),
        ("code", code.as_str()),
        ("return_to", "/account"),
    ];
    let r = c.post(&env, "/signin/second-factor", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    // What an id_token's amr and acr are made from.
    let (session, _) = identity::session::resolve_value(&env.state.store, &c.cookies["sid"])
        .await
        .unwrap();
    assert_eq!(session.amr, ["pwd", "otp", "mfa"]);
}
