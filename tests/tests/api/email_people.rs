//! Email for people (issue 24): every message in the recipient's language,
//! its links to the hosted pages under the configured front-end URL, no
//! HTTP route in any text, the product's name, the SES configuration set;
//! one-click unsubscribe (RFC 8058) on notifications one can turn off, and
//! the suppression list fed by SES's bounce and complaint events.

use crate::app_support::{self, cookie, form, full_key, register, with_key, Registered};
use http::{Method, Request, StatusCode};
use platform_tests::{Mail, TestEnv};
use serde_json::json;

const FRONT: &str = "https://id.example.test";
const CONFIG_SET: &str = "platform-mail";

/// The whole platform with a front-end URL, a product name and a
/// configuration set of its own, and the App API's catalogue.
async fn env() -> TestEnv {
    let env = TestEnv::new_with(dev_server::app, |c| {
        c.frontend_url = FRONT.into();
        c.product_name = "Acme".into();
        c.ses_configuration_set = Some(CONFIG_SET.into());
    })
    .await;
    app::store::AppStore::new(&env.state.store)
        .seed_catalogue()
        .await
        .unwrap();
    env
}

/// What every email must be: for people, in `lang`, sent through the
/// configuration set, its links under the front-end URL.
fn assert_for_people(mail: &Mail, lang: &str) {
    for part in [&mail.subject, &mail.text, &mail.html] {
        for route in ["POST /", "GET /", "/user/", "Platform"] {
            assert!(!part.contains(route), "{route} in {part}");
        }
    }
    assert!(
        mail.html.contains(&format!("<html lang=\"{lang}\">")),
        "{}",
        mail.html
    );
    assert!(mail.text.contains("Acme"), "{}", mail.text);
    assert_eq!(mail.configuration_set.as_deref(), Some(CONFIG_SET));
    for link in mail
        .text
        .split_whitespace()
        .filter(|w| w.starts_with("http"))
    {
        assert!(link.starts_with(&format!("{FRONT}/")), "{link}");
    }
    assert!(
        !mail.headers.contains_key("List-Unsubscribe"),
        "{:?}",
        mail.headers
    );
}

/// The code in a link `{FRONT}/<page>?code=…` of the text part.
fn linked_code(mail: &Mail, page: &str) -> String {
    let prefix = format!("{FRONT}/{page}?code=");
    let rest = mail.text.split(&prefix).nth(1);
    let rest = rest.unwrap_or_else(|| panic!("no {prefix} in {}", mail.text));
    rest.split_whitespace().next().unwrap().to_owned()
}

async fn newest(env: &TestEnv, to: &str, count: usize) -> Mail {
    let mails = env.mails_to(to).await;
    assert_eq!(mails.len(), count, "{mails:#?}");
    mails.last().unwrap().clone()
}

async fn spanish_user(env: &TestEnv) -> Registered {
    let a = register(env).await;
    let r = form(env, "/api/update/language/", "language=es", cookie(&a.sid)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    a
}

#[tokio::test]
async fn a_spanish_users_codes_and_notices_are_spanish_and_open_the_pages() {
    let env = env().await;
    let a = spanish_user(&env).await;
    let sent = env.mails_to(&a.email).await.len();

    // Verification: asking for one's own address sends it a code.
    let r = form(
        &env,
        "/api/update/profile/",
        &format!("email={}", a.email),
        cookie(&a.sid),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let mail = newest(&env, &a.email, sent + 1).await;
    assert_for_people(&mail, "es");
    assert_eq!(mail.subject, "Confirma tu nueva dirección de correo");
    let code = linked_code(&mail, "verify-email");
    let r = env
        .post("/user/verify-email", json!({ "code": code }))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);

    // Reset: the sender knows only the account's id; the notifier finds
    // its language.
    let r = env.get(&format!("/user/code?email={}", a.email)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let mail = newest(&env, &a.email, sent + 2).await;
    assert_for_people(&mail, "es");
    assert_eq!(mail.subject, "Tu código para restablecer la contraseña");
    let code = linked_code(&mail, "reset-password");
    let password = "new_Passw0rd!x";
    let r = env
        .post(
            "/user/reset-password",
            json!({"code": code, "password": password}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let mail = newest(&env, &a.email, sent + 3).await;
    assert_for_people(&mail, "es");
    assert_eq!(mail.subject, "Tu contraseña ha cambiado");
    assert!(mail.text.contains(&format!("{FRONT}/reset-password")));

    // Second factor: the notice, then the code at the next login.
    let login = json!({"username": a.name, "password": password, "userAgent": "Test"});
    let r = env.post("/user/login", login.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let c = crate::users_support::cookie(&r);
    let r = crate::users_support::call(
        &env,
        Method::POST,
        "/user/2fa/enable",
        Some(json!({ "password": password })),
        &[("cookie", &c)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let mail = newest(&env, &a.email, sent + 4).await;
    assert_for_people(&mail, "es");
    assert_eq!(mail.subject, "Verificación en dos pasos activada");
    assert!(mail.text.contains(&format!("{FRONT}/account")));
    let r = env.post("/user/login", login).await;
    assert_eq!(r.body["data"]["2faEnabled"], true, "{:?}", r.body);
    let mail = newest(&env, &a.email, sent + 5).await;
    assert_for_people(&mail, "es");
    assert!(
        mail.text.contains("Tu código de inicio de sesión es "),
        "{}",
        mail.text
    );
}

#[tokio::test]
async fn english_is_the_fallback_and_the_totp_issuer_is_the_product() {
    let env = env().await;
    let a = register(&env).await;
    app_support::verify_address(&env, &a).await;
    let sent = env.mails_to(&a.email).await.len();
    let r = env.get(&format!("/user/code?email={}", a.email)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let mail = newest(&env, &a.email, sent + 1).await;
    assert_for_people(&mail, "en");
    assert!(
        mail.text.contains("Your password reset code is "),
        "{}",
        mail.text
    );
    linked_code(&mail, "reset-password");
    // An address without an account hears it in English, for people too.
    let stranger = format!("{}@example.com", platform_tests::unique_name("nobody"));
    env.get(&format!("/user/code?email={stranger}")).await;
    let mail = newest(&env, &stranger, 1).await;
    assert_for_people(&mail, "en");
    assert!(
        mail.text.contains(&format!("{FRONT}/signup")),
        "{}",
        mail.text
    );

    let login = json!({"username": a.name, "password": app_support::PASSWORD, "userAgent": "T"});
    let r = env.post("/user/login", login).await;
    let c = crate::users_support::cookie(&r);
    let r = crate::users_support::call(
        &env,
        Method::POST,
        "/user/2fa/totp/setup",
        Some(json!({ "password": app_support::PASSWORD })),
        &[("cookie", &c)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let uri = r.body["data"]["otpauthUri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/Acme:"), "{uri}");
    assert!(uri.contains("issuer=Acme"), "{uri}");
}

async fn notify(env: &TestEnv, key: &str, a: &Registered, kind: &str) {
    let body = format!("user_id={}&title=Hi&message=Hello&type={kind}", a.seq);
    let r = form(env, "/api/user/notification/", &body, with_key(key)).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

/// A request to the unsubscribe URL's path and query.
async fn unsubscribe(env: &TestEnv, method: Method, url: &str) -> (StatusCode, String) {
    let path = url.split_once("://").unwrap().1;
    let path = &path[path.find('/').unwrap()..];
    let mut req = Request::builder().method(method.clone()).uri(path);
    let mut body = String::new();
    if method == Method::POST {
        req = req.header("content-type", "application/x-www-form-urlencoded");
        body = "List-Unsubscribe=One-Click".into();
    }
    let r = env
        .send(req.body(axum::body::Body::from(body)).unwrap())
        .await;
    (r.status, r.body.as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn notifications_carry_a_one_click_unsubscribe_that_turns_their_kind_off() {
    let env = env().await;
    let key = full_key(&env).await;
    let a = register(&env).await;
    let sent = env.mails_to(&a.email).await.len();

    // An account notice cannot be turned off: no header.
    notify(&env, &key, &a, "system").await;
    let mail = newest(&env, &a.email, sent + 1).await;
    assert!(
        !mail.headers.contains_key("List-Unsubscribe"),
        "{:?}",
        mail.headers
    );
    notify(&env, &key, &a, "new_campaign").await;
    let mail = newest(&env, &a.email, sent + 2).await;
    assert_eq!(
        mail.headers["List-Unsubscribe-Post"],
        "List-Unsubscribe=One-Click"
    );
    let header = &mail.headers["List-Unsubscribe"];
    let url = header
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned();
    assert!(url.contains("/api/action/unsubscribe/?token="), "{url}");
    assert!(mail.text.contains(&url), "{}", mail.text);
    assert_eq!(mail.configuration_set.as_deref(), Some(CONFIG_SET));

    // GET only shows the button; bad tokens are 400s; none writes.
    let before = env.snapshot().await;
    let (status, page) = unsubscribe(&env, Method::GET, &url).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<form method=\"post\">"), "{page}");
    let (token_start, secret) = url.rsplit_once('.').unwrap();
    let forged = format!("{token_start}.{}", "A".repeat(secret.len()));
    for bad in [
        forged.as_str(),
        &format!("{url}x"),
        "http://x/api/action/unsubscribe/?token=1.2.3",
    ] {
        let (status, _) = unsubscribe(&env, Method::POST, bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let (status, _) = unsubscribe(&env, Method::POST, "http://x/api/action/unsubscribe/").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(env.snapshot().await, before);

    // The one click turns that kind off, and only that kind.
    let (status, page) = unsubscribe(&env, Method::POST, &url).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let user = app_support::user(&env.state, a.seq).await;
    assert_eq!(user.notification_settings.get("new_campaign"), Some(&false));
    let r = form(&env, "/api/get/notifications/", "", cookie(&a.sid)).await;
    let status_of = |code: &str| {
        let list = r.body["user_notifications"].as_array().unwrap();
        list.iter().find(|n| n["code"] == code).unwrap()["status"].clone()
    };
    assert_eq!(status_of("new_campaign"), false, "{}", r.body);
    assert_eq!(status_of("end_campaign"), true, "{}", r.body);
    // Idempotent: a second click answers the same and writes nothing.
    let before = env.snapshot().await;
    let (status, _) = unsubscribe(&env, Method::POST, &url).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(env.snapshot().await, before);
    // That kind is no longer emailed; another still is.
    notify(&env, &key, &a, "new_campaign").await;
    assert_eq!(env.mails_to(&a.email).await.len(), sent + 2);
    notify(&env, &key, &a, "end_campaign").await;
    assert_eq!(env.mails_to(&a.email).await.len(), sent + 3);
}

#[tokio::test]
async fn a_bounced_or_complaining_address_is_suppressed_and_skipped() {
    let env = env().await;
    let (a, other) = (register(&env).await, register(&env).await);
    app_support::verify_address(&env, &a).await;
    app_support::verify_address(&env, &other).await;
    let sent = env.mails_to(&a.email).await.len();
    let bounce = json!({
        "source": "aws.ses", "detail-type": "Email Bounced", "time": "2026-12-04T10:00:00Z",
        "detail": {"eventType": "Bounce", "bounce": {"bounceType": "Permanent",
            "bouncedRecipients": [{"emailAddress": a.email.to_uppercase()}]}}
    });
    let transient = json!({
        "source": "aws.ses", "detail-type": "Email Bounced",
        "detail": {"eventType": "Bounce", "bounce": {"bounceType": "Transient",
            "bouncedRecipients": [{"emailAddress": other.email}]}}
    });
    let store = &env.state.store;
    assert_eq!(notifier::feedback::record(store, &bounce).await.unwrap(), 1);
    assert_eq!(
        notifier::feedback::record(store, &transient).await.unwrap(),
        0
    );
    assert!(store.suppression(&a.email).await.unwrap().is_some());
    assert!(store.suppression(&other.email).await.unwrap().is_none());

    // A reset code to the suppressed address is not sent: its item fails.
    let r = env.get(&format!("/user/code?email={}", a.email)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(env.mails_to(&a.email).await.len(), sent);
    let failures: Vec<String> = env
        .items()
        .await
        .iter()
        .filter(|i| i["sk"].as_s().is_ok_and(|s| s == "OUTBOX"))
        .filter_map(|i| i.get("failure").and_then(|f| f.as_s().ok()).cloned())
        .collect();
    assert_eq!(
        failures,
        vec!["suppressed (bounce)".to_owned()],
        "{failures:?}"
    );
    // The other address still gets its mail.
    let before = env.mails_to(&other.email).await.len();
    env.get(&format!("/user/code?email={}", other.email)).await;
    assert_eq!(env.mails_to(&other.email).await.len(), before + 1);
}

#[tokio::test]
async fn the_recorded_ses_bounce_event_suppresses_its_address() {
    let env = TestEnv::without_notifier(users::app).await;
    let raw = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../events/notifier/ses-bounce.json"
    ))
    .unwrap();
    let event: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert!(notifier::feedback::is_ses_event(&event));
    let store = &env.state.store;
    assert_eq!(notifier::feedback::record(store, &event).await.unwrap(), 1);
    let entry = store
        .suppression("Bounce@Example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (entry.reason.as_str(), entry.at.as_str()),
        ("bounce", "2026-11-30T10:00:04.000Z")
    );
}
