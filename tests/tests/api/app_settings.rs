//! App Users API: preferences, language, notification settings, profile
//! updates (with the email change through verification), and the
//! notification history with its paging and mark-read.

use crate::app_support::*;
use platform_tests::TestEnv;
use serde_json::{json, Value};

#[tokio::test]
async fn preferences_read_back_as_written_from_forms_and_json() {
    let env = env().await;
    let a = register(&env).await;
    let r = form(&env, "/api/get/preferences/", "", cookie(&a.sid)).await;
    assert_eq!(r.body["user_id"], a.seq);
    assert_eq!(r.body["preferences"]["language"], "en");
    assert_eq!(r.body["preferences"]["notifications"]["new_campaign"], true);
    assert_eq!(
        r.body["preferences"]["privacy_settings"]["profile_public"],
        true
    );
    let r = form(
        &env,
        "/api/update/preferences/",
        "categories=fashion&categories=beauty&categories=technology&networks=instagram&networks=facebook&language=en",
        cookie(&a.sid),
    )
    .await;
    assert_eq!(
        r.body,
        json!({"status": "success", "message": "Preferences updated successfully"})
    );
    let r = form(&env, "/api/get/preferences/", "", cookie(&a.sid)).await;
    let p = &r.body["preferences"];
    assert_eq!(p["categories"], json!(["fashion", "beauty", "technology"]));
    assert_eq!(p["networks"], json!(["instagram", "facebook"]));
    let r = json(
        &env,
        "/api/update/preferences/",
        json!({"networks": ["tiktok"], "language": "es"}),
        cookie(&a.sid),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = form(&env, "/api/get/preferences/", "", cookie(&a.sid)).await;
    assert_eq!(r.body["preferences"]["networks"], json!(["tiktok"]));
    assert_eq!(r.body["preferences"]["language"], "es");
    assert_eq!(
        r.body["preferences"]["categories"],
        json!(["fashion", "beauty", "technology"])
    );
    let r = form(&env, "/api/update/language/", "language=fr", cookie(&a.sid)).await;
    assert_eq!(
        r.body,
        json!({"status": "success", "message": "Language updated successfully"})
    );
    assert_eq!(
        user(&env.state, a.seq).await.language.as_deref(),
        Some("fr")
    );
}

#[tokio::test]
async fn bad_settings_name_the_field_and_write_nothing() {
    let env = env().await;
    let a = register(&env).await;
    let before = env.snapshot().await;
    for (path, body, field) in [
        (
            "/api/update/preferences/",
            "categories=fashion&categories=weapons",
            "categories",
        ),
        ("/api/update/preferences/", "networks=myspace", "networks"),
        ("/api/update/preferences/", "", "categories"),
        ("/api/update/language/", "language=english", "language"),
        ("/api/update/language/", "", "language"),
        (
            "/api/update/notifications/",
            "new_campaign=maybe",
            "new_campaign",
        ),
        ("/api/update/notifications/", "", "new_campaign"),
        ("/api/update/profile/", "country=99", "country"),
        ("/api/update/profile/", "city=3", "city"),
        ("/api/update/profile/", "email=nope", "email"),
        ("/api/update/profile/", "sex=robot", "sex"),
        (
            "/api/update/profile/",
            "birth_date=2001-02-30",
            "birth_date",
        ),
        ("/api/update/profile/", "phone=12ab", "phone"),
        (
            "/api/update/profile/",
            "first_name=&last_name=Doe",
            "first_name",
        ),
        ("/api/get/notifications/history/", "limit=101", "limit"),
        ("/api/get/notifications/history/", "page=0", "page"),
        ("/api/update/notifications/read/", "ids=x", "ids"),
    ] {
        let r = form(&env, path, body, cookie(&a.sid)).await;
        assert_eq!(r.status, 400, "{path} {body}: {}", r.body);
        assert_eq!(r.body["error"], "validation_error", "{path} {body}");
        assert_eq!(r.body["field"], field, "{path} {body}");
    }
    assert_eq!(env.snapshot().await, before);
}

#[tokio::test]
async fn the_seven_notification_settings_keep_what_is_not_sent() {
    let env = env().await;
    let a = register(&env).await;
    let r = form(&env, "/api/get/notifications/", "", cookie(&a.sid)).await;
    let list = r.body["user_notifications"].as_array().unwrap();
    assert_eq!(list.len(), 7);
    assert_eq!(
        list[3],
        json!({"name": "Causes", "code": "cause_campaign", "status": true})
    );
    assert_eq!(r.body["not_found_message"], "No notifications to display");
    let r = form(
        &env,
        "/api/update/notifications/",
        "end_campaign=false&near_campaign=0",
        cookie(&a.sid),
    )
    .await;
    assert_eq!(
        r.body,
        json!({"status": "success", "message": "Notification settings updated"})
    );
    let r = json(
        &env,
        "/api/update/notifications/",
        json!({"near_campaign": true, "post_status": false}),
        cookie(&a.sid),
    )
    .await;
    assert_eq!(r.status, 200);
    let r = form(&env, "/api/get/notifications/", "", cookie(&a.sid)).await;
    let status: Vec<(String, bool)> = r.body["user_notifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["code"].as_str().unwrap().to_owned(),
                n["status"].as_bool().unwrap(),
            )
        })
        .collect();
    let off: Vec<&str> = status
        .iter()
        .filter(|(_, on)| !on)
        .map(|(c, _)| c.as_str())
        .collect();
    assert_eq!(off, vec!["end_campaign", "post_status"]);
}

#[tokio::test]
async fn profile_updates_and_an_email_change_waits_for_its_code() {
    let env = env().await;
    let a = register(&env).await;
    let r = form(
        &env,
        "/api/update/profile/",
        "first_name=Jane&last_name=Roe&phone=%2B1234567890&country=2&city=3&sex=female&birth_date=1990-05-17&timezone=Europe/Madrid",
        cookie(&a.sid),
    )
    .await;
    assert_eq!(
        r.body,
        json!({"status": "success", "message": "Profile updated successfully"})
    );
    let u = user(&env.state, a.seq).await;
    assert_eq!(u.first_name.as_deref(), Some("Jane"));
    assert_eq!((u.country_id, u.city_id), (Some(2), Some(3)));
    assert_eq!(u.sex.as_deref(), Some("female"));
    assert_eq!(u.birth_date.as_deref(), Some("1990-05-17"));
    assert_eq!(u.phone.as_deref(), Some("+1234567890"));
    let new = format!("new.{}", a.email);
    let r = form(
        &env,
        "/api/update/profile/",
        &format!("email={new}"),
        cookie(&a.sid),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        user(&env.state, a.seq).await.email,
        a.email,
        "not applied before the code"
    );
    let kinds: Vec<(String, String)> = outbox(&env)
        .await
        .into_iter()
        .map(|m| {
            (
                m["kind"].as_str().unwrap().to_owned(),
                m["to"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        kinds.contains(&("change_email_code".into(), new.clone())),
        "{kinds:?}"
    );
    assert!(kinds.contains(&("email_change_requested".into(), a.email.clone())));
}

/// The messages queued in the outbox (`sk = OUTBOX`), as JSON.
pub async fn outbox(env: &TestEnv) -> Vec<Value> {
    env.items()
        .await
        .into_iter()
        .filter(|i| i.get("sk").and_then(|v| v.as_s().ok()).map(String::as_str) == Some("OUTBOX"))
        .map(|i| {
            let m = i["message"].as_m().unwrap();
            let text = |k: &str| m.get(k).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
            let data: serde_json::Map<String, Value> = m
                .get("data")
                .and_then(|d| d.as_m().ok())
                .map(|d| {
                    d.iter()
                        .map(|(k, v)| (k.clone(), json!(v.as_s().cloned().unwrap_or_default())))
                        .collect()
                })
                .unwrap_or_default();
            json!({"kind": text("kind"), "to": text("to"), "language": text("language"), "data": data})
        })
        .collect()
}

async fn send(
    env: &TestEnv,
    key: &str,
    seq: u64,
    title: &str,
    kind: &str,
) -> platform_tests::Reply {
    form(
        env,
        "/api/user/notification/",
        &format!(
            "user_id={seq}&title={title}&message=A new campaign is available for you&type={kind}"
        ),
        with_key(key),
    )
    .await
}

#[tokio::test]
async fn history_pages_45_notifications_newest_first() {
    let env = env().await;
    let key = full_key(&env).await;
    let a = register(&env).await;
    let b = register(&env).await;
    for i in 1..=45 {
        let r = send(&env, &key, a.seq, &format!("N{i}"), "campaign").await;
        assert_eq!(
            r.body,
            json!({"status": "success", "message": "Notification sent successfully"})
        );
    }
    send(&env, &key, b.seq, "other", "campaign").await;
    let page = |p: u64, l: u64| {
        let (env, sid) = (&env, a.sid.clone());
        async move {
            form(
                env,
                "/api/get/notifications/history/",
                &format!("page={p}&limit={l}"),
                cookie(&sid),
            )
            .await
            .body
        }
    };
    let titles = |v: &Value| -> Vec<String> {
        v["notifications"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let p1 = page(1, 20).await;
    assert_eq!(
        (p1["total"].clone(), p1["page"].clone(), p1["limit"].clone()),
        (json!(45), json!(1), json!(20))
    );
    let expect = |from: u64, to: u64| {
        (to..=from)
            .rev()
            .map(|i| format!("N{i}"))
            .collect::<Vec<_>>()
    };
    assert_eq!(titles(&p1), expect(45, 26));
    assert_eq!(titles(&page(2, 20).await), expect(25, 6));
    assert_eq!(titles(&page(3, 20).await), expect(5, 1));
    assert!(titles(&page(4, 20).await).is_empty());
    assert_eq!(titles(&page(5, 10).await), expect(5, 1));
    let first = &p1["notifications"][0];
    assert_eq!(first["read"], false);
    assert_eq!(first["type"], "campaign");
    assert!(first["created_at"].as_str().unwrap().ends_with('Z'));
    // Mark two read; another user's id is not found and nothing changes.
    let ids: Vec<u64> = p1["notifications"].as_array().unwrap()[..2]
        .iter()
        .map(|n| n["id"].as_u64().unwrap())
        .collect();
    let theirs = form(&env, "/api/get/notifications/history/", "", cookie(&b.sid))
        .await
        .body["notifications"][0]["id"]
        .as_u64()
        .unwrap();
    let before = env.snapshot().await;
    let r = form(
        &env,
        "/api/update/notifications/read/",
        &format!("ids={}&ids={theirs}", ids[0]),
        cookie(&a.sid),
    )
    .await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert_eq!(env.snapshot().await, before);
    let r = json(
        &env,
        "/api/update/notifications/read/",
        json!({"ids": ids}),
        cookie(&a.sid),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let p1 = page(1, 3).await;
    let read: Vec<bool> = p1["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["read"].as_bool().unwrap())
        .collect();
    assert_eq!(read, vec![true, true, false]);
}

#[tokio::test]
async fn notifications_are_emailed_in_the_users_language_when_the_setting_allows() {
    let env = env().await;
    let key = full_key(&env).await;
    let a = register(&env).await;
    form(&env, "/api/update/language/", "language=es", cookie(&a.sid)).await;
    form(
        &env,
        "/api/update/notifications/",
        "new_campaign=false",
        cookie(&a.sid),
    )
    .await;
    send(&env, &key, a.seq, "Muted", "campaign").await;
    assert!(outbox(&env)
        .await
        .iter()
        .all(|m| m["kind"] != "notification"));
    let r = form(
        &env,
        "/api/user/notification/",
        &format!(
            "user_id={}&title=Balance&message=Paid&type=balance&data=%7B%22campaign_id%22%3A789%7D",
            a.seq
        ),
        with_key(&key),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let sent: Vec<Value> = outbox(&env)
        .await
        .into_iter()
        .filter(|m| m["kind"] == "notification")
        .collect();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["to"], a.email.as_str());
    assert_eq!(sent[0]["language"], "es");
    assert_eq!(sent[0]["data"]["title"], "Balance");
    assert_eq!(sent[0]["data"]["type"], "balance");
    let h = form(&env, "/api/get/notifications/history/", "", cookie(&a.sid)).await;
    assert_eq!(h.body["total"], 2);
    assert_eq!(
        h.body["notifications"][0]["data"],
        json!({"campaign_id": 789})
    );
}
