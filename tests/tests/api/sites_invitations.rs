//! Sites API invitations: types from identifiers, duplicates, lookup, the
//! status lifecycle (legal and illegal transitions), the outbox message of
//! an email invitation and its delivery status, the accept link (GET shows,
//! POST accepts with a bearer token or the cookie session) and the race of
//! ten concurrent accepts.

use crate::sites_support::*;
use aws_sdk_dynamodb::types::AttributeValue;
use axum::body::Body;
use http::{Method, Request};
use platform_tests::TestEnv;
use serde_json::json;
use sites::model::{SiteRole, SiteType};

/// The outbox items of the table (`sk = OUTBOX`).
async fn outbox(env: &TestEnv) -> Vec<table::OutboxItem> {
    env.items()
        .await
        .into_iter()
        .filter(|i| i.get("sk") == Some(&AttributeValue::S("OUTBOX".into())))
        .map(|i| table::from_item(i).unwrap())
        .collect()
}

#[tokio::test]
async fn types_follow_from_identifiers_and_bad_ones_write_nothing() {
    let env = quiet_env().await;
    let admin = person(&env).await;
    let friend = person(&env).await;
    let id = site(&env, &admin.user, SiteType::Shop, "Shop").await;
    let cases = [
        ("ann@example.com", "email"),
        ("phone-contact@c-42", "phone"),
        ("+14155550123", "phone"),
        ("facebook:ann.smith", "facebook"),
        ("https://www.linkedin.com/in/ann-smith", "linkedin"),
        ("twitter:ann", "twitter"),
        ("https://instagram.com/ann_s", "instagram"),
        ("vk:id42", "vk"),
        (friend.user.username.as_str(), "unet"),
    ];
    for (identifier, kind) in cases {
        let body = invite(&env, &admin, id, identifier).await;
        assert_eq!(body["type"], kind, "{identifier}");
        assert_eq!(body["status"], "created");
        assert_eq!(body["identifier"], identifier);
        assert_eq!(body["create_uid"], admin.user.seq);
        assert!(body["used_uid"].is_null() && body["used_time"].is_null());
        let link = body["link"].as_str().unwrap();
        assert!(
            link.starts_with("http") && link.contains("/unet/join/"),
            "{link}"
        );
    }
    let before = env.snapshot().await;
    let bad = [
        (
            json!({"identifier": "tiktok:ann", "label": "x"}),
            400,
            "identifier",
        ),
        (
            json!({"identifier": "a b", "label": "x"}),
            400,
            "identifier",
        ),
        (json!({"label": "x"}), 400, "identifier"),
        (json!({"identifier": "z@example.com"}), 400, "label"),
        (
            json!({"identifier": "z@example.com", "label": " "}),
            400,
            "label",
        ),
        (json!({"identifier": 5, "label": "x"}), 400, "identifier"),
        (
            json!({"identifier": "no_such_user_xyz", "label": "x"}),
            422,
            "identifier",
        ),
        (
            json!({"identifier": "unet:999999", "label": "x"}),
            422,
            "identifier",
        ),
        // Duplicates of live invitations, in other spellings.
        (
            json!({"identifier": "ANN@example.com", "label": "x"}),
            409,
            "identifier",
        ),
        (
            json!({"identifier": "https://facebook.com/Ann.Smith", "label": "x"}),
            409,
            "identifier",
        ),
        (
            json!({"identifier": format!("unet:{}", friend.user.seq), "label": "x"}),
            409,
            "identifier",
        ),
    ];
    for (body, status, field) in bad {
        let r = post(&env, &admin.token, &at(id, "invitations/add"), body.clone()).await;
        assert_eq!(r.status, status, "{body}: {:?}", r.body);
        assert_eq!(r.body["error"]["field"], field, "{body}");
    }
    assert_eq!(env.snapshot().await, before, "refused adds write nothing");
    let r = get(&env, &admin.token, &at(id, "invitations/")).await;
    assert_eq!(r.body["total_count"], 9);
    assert!(r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["link"] == ""));
}

#[tokio::test]
async fn an_email_invitation_is_one_outbox_message_and_follows_its_delivery() {
    let env = quiet_env().await;
    let admin = person(&env).await;
    let id = site(&env, &admin.user, SiteType::Community, "Readers").await;
    let body = invite(&env, &admin, id, "Reader@Example.com").await;
    let link = body["link"].as_str().unwrap().to_owned();
    let messages = outbox(&env).await;
    assert_eq!(messages.len(), 1);
    let message = &messages[0].message;
    assert_eq!(message.kind, domain::MessageKind::SiteInvitation);
    assert_eq!(message.to, "Reader@Example.com");
    assert_eq!(message.data["site_title"], "Readers");
    // The email gets the invitation's token (the notifier links it to the
    // hosted page); the API's `link` ends with the same token.
    let token = message.data["join"].as_str().unwrap();
    assert!(link.ends_with(&format!("/join/{token}")), "{link} {token}");
    assert_eq!(message.data["label"], "Friend");
    assert_eq!(message.data["inviter"], admin.user.username.as_str());
    let owner = message
        .owner
        .clone()
        .expect("the invitation owns the message");
    assert!(owner.pk.starts_with("SITE#") && owner.sk.starts_with("INVITATION#"));
    // The link's secret is stored only as a hash.
    let secret = link.rsplit('.').next().unwrap();
    let rows = env.snapshot().await;
    assert!(rows
        .iter()
        .filter(|r| !r.contains("OUTBOX"))
        .all(|r| !r.contains(secret)));
    // Email invitations are marked sent by the platform, not by clients.
    let inv = body["id"].as_u64().unwrap();
    let r = post(
        &env,
        &admin.token,
        &at(id, &format!("invitations/{inv}/status")),
        json!({"status": "sent"}),
    )
    .await;
    assert_eq!(r.status, 409, "{:?}", r.body);
    // The notifier settles the message: the invitation follows.
    let marked = env
        .state
        .store
        .settle_outbox_item(&messages[0], None)
        .await
        .unwrap();
    assert_eq!(marked, table::Marked::Done);
    let r = get(
        &env,
        &admin.token,
        &at(id, "invitations/lookup?identifier=reader@example.com"),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "sent");
    assert_eq!(r.body["id"], inv);
    // A permanent failure makes another one invalid.
    invite(&env, &admin, id, "bounce@example.com").await;
    let failing = outbox(&env)
        .await
        .into_iter()
        .find(|m| m.message.to == "bounce@example.com")
        .unwrap();
    env.state
        .store
        .settle_outbox_item(&failing, Some("address does not exist"))
        .await
        .unwrap();
    let r = get(
        &env,
        &admin.token,
        &at(id, "invitations/lookup?identifier=bounce@example.com"),
    )
    .await;
    assert_eq!(r.body["status"], "invalid");
}

#[tokio::test]
async fn the_notifier_emails_the_link_and_marks_the_invitation_sent() {
    let env = env().await;
    let admin = person(&env).await;
    let id = site(&env, &admin.user, SiteType::Shop, "Mailers").await;
    let address = format!("{}@example.com", platform_tests::unique_name("mailed"));
    let body = invite(&env, &admin, id, &address).await;
    let secret = body["link"].as_str().unwrap().rsplit('.').next().unwrap();
    let mails = env.emails_to(&address).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let (subject, text) = &mails[0];
    assert!(subject.contains("Mailers"), "{subject}");
    assert!(text.contains(secret), "{text}");
    assert!(text.contains(admin.user.username.as_str()));
    // The email opens the hosted invitation page, not the API's JSON.
    let page = format!("{}/join/{id}.", env.state.config.frontend_url);
    assert!(text.contains(&page), "{page} in {text}");
    assert!(!text.contains("/unet/"), "{text}");
    let mut status = String::new();
    for _ in 0..100 {
        let r = get(
            &env,
            &admin.token,
            &at(id, &format!("invitations/lookup?identifier={address}")),
        )
        .await;
        status = r.body["status"].as_str().unwrap_or_default().to_owned();
        if status == "sent" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(status, "sent");
}

#[tokio::test]
async fn status_update_delete_and_lookup_follow_the_lifecycle() {
    let env = env().await;
    let admin = person(&env).await;
    let id = site(&env, &admin.user, SiteType::Lander, "Life").await;
    let inv = invite(&env, &admin, id, "+14155550100").await["id"]
        .as_u64()
        .unwrap();
    let path = |op: &str| at(id, &format!("invitations/{inv}/{op}"));
    let before = env.snapshot().await;
    for (op, body, status) in [
        ("status", json!({"status": "used"}), 400),
        ("status", json!({}), 400),
        ("status", json!({"status": 1}), 400),
        ("update", json!({}), 400),
        ("update", json!({"label": ""}), 400),
        ("update", json!({"status": "deleted"}), 400),
    ] {
        let r = post(&env, &admin.token, &path(op), body.clone()).await;
        assert_eq!(r.status, status, "{op} {body}: {:?}", r.body);
    }
    assert_eq!(env.snapshot().await, before);
    let r = post(
        &env,
        &admin.token,
        &path("status/"),
        json!({"status": "sent"}),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body, json!({}));
    let r = post(
        &env,
        &admin.token,
        &path("update"),
        json!({"label": "Mom", "status": "sent"}),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["label"], "Mom");
    assert_eq!(r.body["status"], "sent");
    // Form bodies work too.
    let r = env
        .send(
            Request::builder()
                .method(Method::POST)
                .uri(path("update"))
                .header("authorization", format!("Bearer {}", admin.token))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from("label=Mother"))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = get(
        &env,
        &admin.token,
        &at(
            id,
            "invitations/lookup/?identifier=%2B14155550100&fields=label,status",
        ),
    )
    .await;
    assert_eq!(r.body, json!({"label": "Mother", "status": "sent"}));
    let r = get(
        &env,
        &admin.token,
        &at(id, "invitations/lookup?identifier=%2B14155550199"),
    )
    .await;
    assert_eq!(r.status, 404);
    let r = get(&env, &admin.token, &at(id, "invitations/lookup")).await;
    assert_eq!(r.status, 400);
    let r = post(&env, &admin.token, &path("delete/"), json!({})).await;
    assert_eq!(r.status, 200);
    for op in ["status", "update", "delete"] {
        let r = post(
            &env,
            &admin.token,
            &path(op),
            json!({"status": "sent", "label": "x"}),
        )
        .await;
        assert_eq!(r.status, 404, "{op} after delete");
    }
    let r = get(
        &env,
        &admin.token,
        &at(id, "invitations/lookup?identifier=%2B14155550100"),
    )
    .await;
    assert_eq!(r.status, 404);
    // The record stays for audit; the identifier is free again.
    let rows = env.snapshot().await;
    assert!(rows
        .iter()
        .any(|r| r.contains("deleted") && r.contains("INVITATION#")));
    invite(&env, &admin, id, "+14155550100").await;
    let r = post(
        &env,
        &admin.token,
        &at(id, "invitations/999/status"),
        json!({"status": "sent"}),
    )
    .await;
    assert_eq!(r.status, 404);
}

fn token_of(link: &str) -> String {
    rel(link)
}

#[tokio::test]
async fn the_link_shows_then_accepts_once_with_bearer_or_cookie() {
    let env = env().await;
    let admin = person(&env).await;
    let guest = person(&env).await;
    let other = person(&env).await;
    let id = site(&env, &admin.user, SiteType::Shop, "Market").await;
    let body = invite(&env, &admin, id, "guest@example.com").await;
    let link = token_of(body["link"].as_str().unwrap());
    let r = env.get(&link).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["site"]["title"], "Market");
    assert_eq!(r.body["invitation"]["status"], "created");
    assert_eq!(r.body["acceptable"], true);
    let forged = format!("{}x", &link[..link.len() - 1]);
    assert_eq!(env.get(&forged).await.status, 404);
    assert_eq!(env.get("/unet/join/garbage").await.status, 404);
    let r = env.call(Method::POST, &link, None).await;
    assert_eq!(r.status, 401, "no credentials");
    let r = post(&env, &guest.token, &link, json!({})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["site"]["id"], id);
    assert_eq!(r.body["site"]["is_admin"], false);
    let r = post(&env, &other.token, &link, json!({})).await;
    assert_eq!(r.status, 409);
    assert_eq!(r.body["error"]["code"], "invitation_used");
    let r = get(
        &env,
        &admin.token,
        &at(id, "invitations/lookup?identifier=guest@example.com"),
    )
    .await;
    assert_eq!(r.body["status"], "used");
    assert_eq!(r.body["used_uid"], guest.user.seq);
    assert!(r.body["used_time"].as_str().unwrap().ends_with('Z'));
    let r = get(&env, &guest.token, &at(id, "info/")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["members_count"], 2);
    let r = get(&env, &guest.token, "/unet/sites/?is_admin=false").await;
    assert_eq!(r.body["total_count"], 1);
    // A cookie session accepts too; a member cannot join twice.
    let second = invite(&env, &admin, id, "second@example.com").await;
    let link2 = token_of(second["link"].as_str().unwrap());
    let cookie_post = |cookie: String| {
        Request::builder()
            .method(Method::POST)
            .uri(link2.clone())
            .header("cookie", cookie)
            .body(Body::empty())
            .unwrap()
    };
    let r = env.send(cookie_post(guest.cookie.clone())).await;
    assert_eq!(r.status, 409);
    assert_eq!(r.body["error"]["code"], "already_member");
    let r = env.send(cookie_post(other.cookie.clone())).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // A platform-user invitation is for that user only.
    let third = person(&env).await;
    let unet = invite(&env, &admin, id, &format!("unet:{}", third.user.seq)).await;
    let link3 = token_of(unet["link"].as_str().unwrap());
    let outsider = person(&env).await;
    assert_eq!(
        post(&env, &outsider.token, &link3, json!({})).await.status,
        403
    );
    assert_eq!(
        post(&env, &third.token, &link3, json!({})).await.status,
        200
    );
    let r = get(&env, &admin.token, &at(id, "members/")).await;
    assert_eq!(r.body["total_count"], 4);
}

#[tokio::test]
async fn ten_concurrent_accepts_have_exactly_one_winner() {
    let env = env().await;
    let admin = person(&env).await;
    let id = site(&env, &admin.user, SiteType::Community, "Race").await;
    let body = invite(&env, &admin, id, "phone-contact@race").await;
    let link = token_of(body["link"].as_str().unwrap());
    let mut people = Vec::new();
    for _ in 0..10 {
        people.push(person(&env).await);
    }
    let replies = futures::future::join_all(
        people
            .iter()
            .map(|p| post(&env, &p.token, &link, json!({}))),
    )
    .await;
    let winners: Vec<usize> = replies
        .iter()
        .enumerate()
        .filter(|(_, r)| r.status == 200)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(
        winners.len(),
        1,
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    for r in &replies {
        assert!(r.status == 200 || r.status == 409, "{:?}", r.body);
    }
    let winner = &people[winners[0]];
    let r = get(&env, &admin.token, &at(id, "members/")).await;
    assert_eq!(r.body["total_count"], 2);
    assert_eq!(r.body["items"].as_array().unwrap().len(), 2);
    let r = get(
        &env,
        &admin.token,
        &at(id, "invitations/lookup?identifier=phone-contact@race"),
    )
    .await;
    assert_eq!(r.body["used_uid"], winner.user.seq);
    for (i, p) in people.iter().enumerate() {
        let r = get(&env, &p.token, "/unet/sites/").await;
        assert_eq!(r.body["total_count"], u64::from(i == winners[0]));
    }
    let _ = SiteRole::Member;
}

/// A crowd joining one site at once (each with an invitation of their
/// own): every join lands and `members_count` is exact, since no join
/// writes the site item (the count is sharded, docs/scale.md).
#[tokio::test]
async fn twenty_people_join_one_site_at_once_and_the_count_is_exact() {
    let env = env().await;
    let admin = person(&env).await;
    let id = site(&env, &admin.user, SiteType::Community, "Crowd").await;
    let mut joins = Vec::new();
    for i in 0..20 {
        let body = invite(&env, &admin, id, &format!("crowd-{i}@example.com")).await;
        joins.push((person(&env).await, token_of(body["link"].as_str().unwrap())));
    }
    let replies = futures::future::join_all(
        joins
            .iter()
            .map(|(p, link)| post(&env, &p.token, link, json!({}))),
    )
    .await;
    for r in &replies {
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    let r = get(&env, &admin.token, &at(id, "members/")).await;
    assert_eq!(r.body["total_count"], 21, "{:?}", r.body);
    let site = sites::store::SitesStore::new(&env.state.store)
        .site(id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(site.members_count, 21);
}
