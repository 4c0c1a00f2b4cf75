//! Webhooks from real actions: each event type produced by the request or
//! CLI path that causes it, signed, retried on the (shortened) schedule;
//! one webhook-id per event even when the stream record comes twice; the
//! failed → replay path.

use crate::users_support::{self, call, session, PASSWORD};
use crate::webhooks_support::{api, env, register, writer, Receiver, Seen};
use domain::scopes::{ADMIN_PROFILE_WRITE, PROFILE_WRITE};
use domain::{Role, UserId};
use http::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use webhooks::store::{Status, WebhooksStore};

/// The tests' schedule: attempts at once, then 1 s apart (4 in all).
const FAST: [u64; 4] = [0, 1, 1, 1];

/// Seen requests by webhook-id.
fn by_id(seen: &[Seen]) -> BTreeMap<String, Vec<Seen>> {
    let mut ids: BTreeMap<String, Vec<Seen>> = BTreeMap::new();
    for s in seen {
        ids.entry(s.id.clone()).or_default().push(s.clone());
    }
    ids
}

fn delivered_types(seen: &[Seen]) -> BTreeSet<String> {
    seen.iter()
        .filter(|s| s.answered == 204)
        .map(|s| s.json()["type"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn real_actions_deliver_every_event_once_after_three_failures() {
    let mut env = env().await;
    let key = writer(&env).await;
    let receiver = Receiver::start(3).await;
    let (_, secret) = register(&env, &key, &receiver.url, &["*"]).await;
    env.start_webhooks(&FAST);

    // Sign up, verify, sign in, edit the profile, change the password.
    let person = users_support::verified(&env).await;
    let cookie = session(&env, &person).await;
    let bearer = users_support::bearer(
        &users_support::token(&env, &person, &[PROFILE_WRITE, ADMIN_PROFILE_WRITE]).await,
    );
    let r = call(
        &env,
        Method::PATCH,
        "/user/me",
        Some(json!({ "firstName": "Ann" })),
        &[("authorization", &bearer)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = call(
        &env,
        Method::POST,
        "/user/2fa/enable",
        Some(json!({ "password": PASSWORD })),
        &[("cookie", &cookie)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let change = json!({ "password": "Brand-new-Passw0rd!", "currentPassword": PASSWORD });
    let r = call(
        &env,
        Method::PATCH,
        "/user/me",
        Some(change),
        &[("authorization", &bearer)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // The operator CLI's ban, unban and role (the same store calls).
    let id = UserId::parse(&person.id).unwrap();
    let moderation = app::store::AppStore::new(&env.state.store);
    assert!(moderation
        .set_banned(&id, true, Some("spam"), domain::audit::Actor::Operator)
        .await
        .unwrap());
    assert!(moderation
        .set_banned(&id, false, None, domain::audit::Actor::Operator)
        .await
        .unwrap());
    env.state
        .store
        .set_role(&id, Role::Moderator, None)
        .await
        .unwrap();
    // The account deletion's last step: the user item goes.
    env.state
        .store
        .client()
        .delete_item()
        .table_name(env.state.store.table())
        .set_key(Some(table::item::key(
            table::keys::user(&id),
            table::keys::USER_SK,
        )))
        .send()
        .await
        .unwrap();

    let expected: BTreeSet<String> = [
        "user.created",
        "email.verified",
        "session.created",
        "user.updated",
        "password.changed",
        "user.banned",
        "user.unbanned",
        "user.role_changed",
        "user.deleted",
    ]
    .map(str::to_owned)
    .into();
    let seen = receiver
        .wait(60, |s| delivered_types(s).is_superset(&expected))
        .await;
    assert!(
        delivered_types(&seen).is_superset(&expected),
        "delivered: {:?}",
        delivered_types(&seen)
    );
    // Let any stray retry land before counting.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let seen = receiver.all();
    for (id, attempts) in by_id(&seen) {
        let answers: Vec<u16> = attempts.iter().map(|a| a.answered).collect();
        assert_eq!(
            answers,
            [503, 503, 503, 204],
            "{id}: one event, four attempts, one success"
        );
        assert!(
            attempts.iter().all(|a| a.signed_by(&secret)),
            "{id}: a bad signature"
        );
        let bodies: BTreeSet<&str> = attempts.iter().map(|a| a.body.as_str()).collect();
        assert_eq!(bodies.len(), 1, "{id}: every attempt sends the same body");
    }
    let types: Vec<String> = seen
        .iter()
        .filter(|s| s.answered == 204)
        .map(|s| s.json()["type"].as_str().unwrap().to_owned())
        .collect();
    for kind in &expected {
        let n = types.iter().filter(|t| *t == kind).count();
        let allowed = if kind == "user.updated" { 3 } else { 1 };
        assert!((1..=allowed).contains(&n), "{kind} delivered {n} times");
    }
    for s in &seen {
        let event = s.json();
        assert!(chrono::DateTime::parse_from_rfc3339(event["timestamp"].as_str().unwrap()).is_ok());
        let data = &event["data"];
        assert_eq!(data["user_id"], person.id, "{event}");
        let text = event.to_string();
        for secret in ["argon2", "password_hash", "totp", PASSWORD] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        if event["type"] != "session.created" {
            assert!(
                data["id"].is_u64() && data["username"].is_string(),
                "{event}"
            );
        }
    }
}

/// A stream record, as Lambda delivers it, for the user item's insert.
fn user_insert(record_id: &str) -> aws_lambda_events::event::dynamodb::Event {
    let event = json!({ "Records": [{
        "eventID": record_id, "eventName": "INSERT", "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "Keys": { "pk": { "S": "USER#0123456789abcdef01234567" }, "sk": { "S": "PROFILE" } },
            "NewImage": {
                "pk": { "S": "USER#0123456789abcdef01234567" }, "sk": { "S": "PROFILE" },
                "id": { "S": "0123456789abcdef01234567" }, "seq": { "N": "7" },
                "username": { "S": "ann" }, "email": { "S": "ann@example.com" },
                "password_hash": { "S": "$argon2id$secret" }
            },
            "SequenceNumber": "1", "SizeBytes": 10, "StreamViewType": "NEW_AND_OLD_IMAGES"
        }
    }]});
    serde_json::from_value(event).unwrap()
}

#[tokio::test]
async fn a_record_delivered_twice_makes_one_webhook_id() {
    let env = env().await;
    let key = writer(&env).await;
    let receiver = Receiver::start(0).await;
    let (endpoint, secret) = register(&env, &key, &receiver.url, &["user.created"]).await;
    let worker = env.webhook_worker(&FAST);
    let first = worker.handle(user_insert("rec-1")).await;
    let again = worker.handle(user_insert("rec-1")).await;
    assert!(first.batch_item_failures.is_empty() && again.batch_item_failures.is_empty());
    assert_eq!(
        worker.fan_out(&user_insert("rec-1").records[0]).await,
        Ok(0)
    );
    let seen = receiver.all();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0].signed_by(&secret));
    assert_eq!(
        seen[0].json()["data"],
        json!({ "user_id": "0123456789abcdef01234567", "id": 7, "username": "ann", "email": "ann@example.com", "created_at": null })
    );
    let r = api(
        &env,
        Method::GET,
        &format!("/api/webhooks/{endpoint}/deliveries"),
        Some(&key),
        None,
    )
    .await;
    let deliveries = r.body["deliveries"].as_array().unwrap();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0]["id"], seen[0].id);
    assert_eq!(deliveries[0]["status"], "delivered");
    // Another record (another eventID) is another event, with another id.
    worker.handle(user_insert("rec-2")).await;
    assert_eq!(by_id(&receiver.all()).len(), 2);
}

#[tokio::test]
async fn backoff_then_failed_then_replayed() {
    let env = env().await;
    let key = writer(&env).await;
    let receiver = Receiver::start(0).await;
    receiver
        .failing
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let (endpoint, _) = register(&env, &key, &receiver.url, &["*"]).await;
    let worker = env.webhook_worker(&[0, 2]);
    let started = domain::time::now_ms();
    assert_eq!(
        worker.fan_out(&user_insert("rec-9").records[0]).await,
        Ok(1)
    );
    let id = receiver.all()[0].id.clone();
    let store = WebhooksStore::new(&env.state.store);
    let d = store.delivery(&id).await.unwrap().unwrap();
    assert_eq!(
        (d.status, d.attempts, d.last_status),
        (Status::Pending, 1, Some(503))
    );
    let due = d.next_attempt_at.unwrap() - started;
    assert!(
        (2000..4000).contains(&due),
        "the second attempt waits the schedule's 2 s: {due}"
    );
    assert_eq!(worker.sweep().await, Ok(0), "not due yet");
    tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
    assert_eq!(worker.sweep().await, Ok(1));
    let d = store.delivery(&id).await.unwrap().unwrap();
    assert_eq!(
        (d.status, d.attempts),
        (Status::Failed, 2),
        "the schedule is spent"
    );
    let failed = store.failed_since(started, 10).await.unwrap();
    assert_eq!(
        failed.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
        [id.as_str()]
    );
    assert_eq!(
        worker.sweep().await,
        Ok(0),
        "a failed delivery is not retried"
    );

    receiver
        .failing
        .store(false, std::sync::atomic::Ordering::SeqCst);
    let uri = format!("/api/webhooks/deliveries/{id}/replay");
    let r = api(&env, Method::POST, &uri, Some(&key), None).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{:?}", r.body);
    assert_eq!(worker.sweep().await, Ok(1));
    let d = store.delivery(&id).await.unwrap().unwrap();
    assert_eq!(d.status, Status::Delivered);
    let all = receiver.all();
    assert_eq!(all.len(), 3);
    assert!(
        all.iter().all(|s| s.id == id),
        "a replay keeps the webhook-id"
    );
    let r = api(
        &env,
        Method::GET,
        &format!("/api/webhooks/{endpoint}/deliveries"),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(
        r.body["deliveries"][0]["status"], "delivered",
        "{:?}",
        r.body
    );
    let payload: &Value = &r.body["deliveries"][0]["payload"];
    assert_eq!(payload["type"], "user.created");
}

#[tokio::test]
async fn an_accepted_invitation_is_an_event() {
    use crate::sites_support::{invite, person, post, rel, site};
    let mut env = env().await;
    let key = writer(&env).await;
    let receiver = Receiver::start(0).await;
    register(&env, &key, &receiver.url, &["invitation.accepted"]).await;
    env.start_webhooks(&FAST);
    let admin = person(&env).await;
    let guest = person(&env).await;
    let id = site(&env, &admin.user, sites::model::SiteType::Shop, "Hooks").await;
    let body = invite(&env, &admin, id, "guest@example.com").await;
    let invitation = body["id"].clone();
    let r = post(
        &env,
        &guest.token,
        &rel(body["link"].as_str().unwrap()),
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let seen = receiver.wait(30, |s| !s.is_empty()).await;
    assert_eq!(
        seen.len(),
        1,
        "the site's creation and the invitation are no events: {seen:?}"
    );
    let event = seen[0].json();
    assert_eq!(event["type"], "invitation.accepted");
    assert_eq!(event["data"]["site_id"], id);
    assert_eq!(event["data"]["invitation_id"], invitation);
    assert_eq!(event["data"]["id"], guest.user.seq);
}
