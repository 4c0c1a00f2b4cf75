//! The account page's "Security activity" over HTTP: the latest events in
//! an accessible table, in English and Spanish, a link to older ones that
//! carries the page's cursor, and a stale or foreign cursor answered with
//! the first page.

use crate::pages_support::*;
use domain::audit::{Event, Kind};
use http::StatusCode;

#[tokio::test]
async fn the_account_page_shows_security_activity_and_pages_to_older_events() {
    let env = env().await;
    let p = signed_up(&env).await;
    let mut b = Browser::default();
    b.extra.push(("user-agent", "pages-audit/1".into()));
    let r = b
        .sign_in(&env, &p.email, "not the password", "/account")
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = b.sign_in(&env, &p.email, PASSWORD, "/account").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));

    let page = b.get(&env, "/account").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = html(&page);
    assert!(
        text.contains("<h2 id=\"events-h\">Security activity</h2>"),
        "{text}"
    );
    assert!(text.contains("<table class=\"events\">") && text.contains("<caption>"));
    assert_eq!(text.matches("<th scope=\"col\">").count(), 4);
    assert!(text.contains("Sign-in refused (wrong password)"), "{text}");
    assert!(text.contains("Sign-in from a new device") && text.contains("pages-audit&#x2f;1"));
    assert!(!text.contains("style="));
    assert_no_inline_script(text);
    assert!(!text.contains("Older events"));
    let es = b.get(&env, "/account?ui_locales=es").await;
    assert!(html(&es).contains("Actividad de seguridad"));
    assert!(html(&es).contains("Inicio de sesión rechazado (contraseña incorrecta)"));

    // Ten more events: the page shows ten and links to the rest.
    let id = env
        .state
        .store
        .username_owner(&p.username.to_lowercase())
        .await;
    let id = id.unwrap().unwrap();
    for _ in 0..10 {
        let e = Event::by_operator(Kind::Unlocked);
        env.state.store.record_audit(&id, &e).await.unwrap();
    }
    let page = b.get(&env, "/account").await;
    let text = html(&page);
    assert_eq!(text.matches("Lockout lifted").count(), 10);
    assert!(!text.contains("Signed in"));
    let href = text
        .split("<a href=\"")
        .find(|s| s.contains("Older events"))
        .and_then(|s| s.split('"').next())
        .expect("a link to older events")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&");
    assert!(href.starts_with("/account?ui_locales=en&events="), "{href}");
    let older = b.get(&env, &href).await;
    assert_eq!(older.status, StatusCode::OK);
    let text = html(&older);
    assert!(text.contains("Signed in") && text.contains("Sign-in refused"));
    assert!(!text.contains("Lockout lifted"));
    // A cursor that is not this user's: the first page.
    let r = b.get(&env, "/account?events=junk.0000").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(html(&r).matches("Lockout lifted").count(), 10);
}

#[test]
fn every_kind_reason_and_actor_has_words_in_both_languages_and_the_api_enum() {
    use domain::audit::{Actor, Failure};
    let api = include_str!("../../../openapi/users.yaml");
    for lang in ["en", "es"] {
        let path = format!(
            "{}/../functions/pages/templates/i18n/{lang}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let words: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for kind in Kind::ALL {
            assert!(
                words["event_kinds"][kind.as_str()].is_string(),
                "{lang}: {kind:?}"
            );
            assert!(api.contains(kind.as_str()), "openapi: {kind:?}");
        }
        for reason in [
            Failure::WrongPassword,
            Failure::WrongCode,
            Failure::Locked,
            Failure::Banned,
            Failure::Unverified,
        ] {
            assert!(words["event_reasons"][reason.as_str()].is_string());
        }
        let moderator = Actor::Moderator(domain::UserId::generate());
        for actor in [
            Actor::User,
            Actor::Operator,
            moderator,
            Actor::App,
            Actor::Platform,
        ] {
            assert!(words["event_actors"][actor.label()].is_string());
        }
    }
}
