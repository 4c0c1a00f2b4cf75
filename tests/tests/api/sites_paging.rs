//! Cursor paging on the Sites API: 250 memberships walked forward and back
//! under every filter of `sites/`, with the maintained `total_count`,
//! `fields` carried by the page URLs, tampered and foreign cursors refused;
//! members and invitations page the same way.

use crate::sites_support::*;
use aws_sdk_dynamodb::types::AttributeValue;
use futures::stream::{self, StreamExt};
use platform_tests::TestEnv;
use serde_json::{json, Value};
use sites::model::{SiteRole, SiteType};
use std::collections::BTreeSet;

/// Every page of `first`, forward then back: returns the forward pages' ids
/// and the total count, after checking that paging back from the last page
/// returns the same pages.
async fn walk(env: &TestEnv, token: &str, first: &str) -> (Vec<Vec<u64>>, u64) {
    let mut pages = Vec::new();
    let mut urls = Vec::new();
    let mut path = first.to_owned();
    let mut total = None;
    loop {
        let r = get(env, token, &path).await;
        assert_eq!(r.status, 200, "{path}: {:?}", r.body);
        let ids: Vec<u64> = r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_u64().unwrap())
            .collect();
        let count = r.body["total_count"].as_u64().unwrap();
        assert_eq!(*total.get_or_insert(count), count);
        if pages.is_empty() {
            assert_eq!(r.body["prev_cursor"], "", "first page of {first}");
        }
        pages.push(ids);
        urls.push(path.clone());
        let next = r.body["next_cursor"].as_str().unwrap().to_owned();
        if next.is_empty() {
            break;
        }
        path = rel(&next);
    }
    // Back from the last page: the same pages in reverse order.
    let last = get(env, token, urls.last().unwrap()).await;
    let mut prev = last.body["prev_cursor"].as_str().unwrap().to_owned();
    let mut i = pages.len() - 1;
    while !prev.is_empty() {
        i -= 1;
        let r = get(env, token, &rel(&prev)).await;
        let ids: Vec<u64> = r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_u64().unwrap())
            .collect();
        assert_eq!(ids, pages[i], "page {i} of {first}, paging back");
        prev = r.body["prev_cursor"].as_str().unwrap().to_owned();
    }
    assert_eq!(i, 0, "paging back reaches the first page of {first}");
    (pages, total.unwrap_or_default())
}

/// `n` memberships of `user` (even: admin, odd: member; types in turn),
/// written as items with their counters: the emulator copies the whole
/// table on every transaction, so hundreds of them would take minutes. The
/// transactions that maintain the counters are tested in
/// `counters_follow_every_membership_change`.
async fn seed_memberships(
    env: &TestEnv,
    user: &domain::User,
    n: usize,
) -> Vec<(u64, bool, SiteType)> {
    use sites::store::{count_attribute, keys, MembershipRecord, SiteSummary};
    let mut made = Vec::new();
    let mut items = Vec::new();
    let mut counts = std::collections::BTreeMap::<String, u64>::new();
    for i in 0..n {
        let (id, kind, admin) = (10_000 + i as u64, SiteType::ALL[i % 3], i % 2 == 0);
        let member = MembershipRecord {
            site_id: id,
            user_id: user.id.clone(),
            user_seq: user.seq,
            role: if admin {
                SiteRole::Admin
            } else {
                SiteRole::Member
            },
            joined_at: domain::time::now(),
            site: SiteSummary {
                title: format!("Site {i}"),
                site_type: kind,
                url: format!("https://site{i}.example.com"),
                logo_url: None,
            },
        };
        items.push(member.item().unwrap());
        for (a, t) in [
            (None, None),
            (Some(admin), None),
            (None, Some(kind)),
            (Some(admin), Some(kind)),
        ] {
            *counts.entry(count_attribute(a, t)).or_default() += 1;
        }
        made.push((id, admin, kind));
    }
    let mut totals = keys::counts_key(&user.id);
    for (name, value) in counts {
        totals.insert(name, AttributeValue::N(value.to_string()));
    }
    items.push(totals);
    stream::iter(items)
        .map(|item| env.put_raw(item))
        .buffer_unordered(16)
        .collect::<Vec<()>>()
        .await;
    made
}

#[tokio::test]
async fn counters_follow_every_membership_change() {
    let env = quiet_env().await;
    let ann = person(&env).await;
    let bob = person(&env).await;
    let shop = site(&env, &ann.user, SiteType::Shop, "Shop").await;
    let club = site(&env, &bob.user, SiteType::Community, "Club").await;
    join(&env, club, &ann.user, SiteRole::Member).await;
    let count = |query: &'static str| {
        let (env, token) = (&env, ann.token.clone());
        async move {
            let r = get(env, &token, &format!("/unet/sites/?{query}")).await;
            assert_eq!(r.status, 200, "{:?}", r.body);
            (
                r.body["total_count"].as_u64().unwrap(),
                r.body["items"].as_array().unwrap().len() as u64,
            )
        }
    };
    assert_eq!(count("").await, (2, 2));
    assert_eq!(count("is_admin=true").await, (1, 1));
    assert_eq!(count("is_admin=false&type=community").await, (1, 1));
    assert_eq!(count("type=shop").await, (1, 1));
    let store = sites::store::SitesStore::new(&env.state.store);
    let member = store.membership(club, &ann.user.id).await.unwrap().unwrap();
    store.set_role(&member, SiteRole::Admin).await.unwrap();
    assert_eq!(count("is_admin=true").await, (2, 2));
    assert_eq!(count("is_admin=false").await, (0, 0));
    assert_eq!(count("is_admin=true&type=community").await, (1, 1));
    assert_eq!(count("type=community").await, (1, 1));
    let member = store.membership(club, &ann.user.id).await.unwrap().unwrap();
    store.remove_member(&member).await.unwrap();
    assert_eq!(count("").await, (1, 1));
    assert_eq!(count("type=community").await, (0, 0));
    assert_eq!(count("is_admin=true").await, (1, 1));
    let r = get(&env, &bob.token, &at(club, "info/")).await;
    assert_eq!(r.body["members_count"], 1);
    let r = get(&env, &ann.token, &at(club, "info/")).await;
    assert_eq!(r.status, 404, "a removed member is a stranger");
    let _ = shop;
}

#[tokio::test]
async fn two_hundred_fifty_sites_page_forward_and_back_under_every_filter() {
    let env = quiet_env().await;
    let ann = person(&env).await;
    let bob = person(&env).await;
    let made = seed_memberships(&env, &ann.user, 250).await;
    let mut filters: Vec<(Option<bool>, Option<SiteType>)> = vec![(None, None)];
    for a in [true, false] {
        filters.push((Some(a), None));
        for t in SiteType::ALL {
            filters.push((Some(a), Some(t)));
        }
    }
    for t in SiteType::ALL {
        filters.push((None, Some(t)));
    }
    for (is_admin, kind) in filters {
        let expected: BTreeSet<u64> = made
            .iter()
            .filter(|(_, a, k)| is_admin.is_none_or(|x| x == *a) && kind.is_none_or(|x| x == *k))
            .map(|(id, _, _)| *id)
            .collect();
        let mut query = vec!["limit=9".to_owned(), "fields=id,type,is_admin".to_owned()];
        if let Some(a) = is_admin {
            query.push(format!("is_admin={a}"));
        }
        if let Some(t) = kind {
            query.push(format!("type={}", t.as_str()));
        }
        let first = format!("/unet/sites/?{}", query.join("&"));
        let (pages, total) = walk(&env, &ann.token, &first).await;
        let seen: Vec<u64> = pages.iter().flatten().copied().collect();
        let unique: BTreeSet<u64> = seen.iter().copied().collect();
        assert_eq!(unique.len(), seen.len(), "no duplicates: {first}");
        assert_eq!(unique, expected, "{first}");
        assert_eq!(total, expected.len() as u64, "total_count of {first}");
        assert!(pages.iter().all(|p| p.len() <= 9));
    }
    // The page URLs keep the filters, the limit and the fields.
    let r = get(
        &env,
        &ann.token,
        "/unet/sites/?is_admin=true&type=shop&limit=5&fields=id,type",
    )
    .await;
    let next = r.body["next_cursor"].as_str().unwrap().to_owned();
    let follow = get(&env, &ann.token, &rel(&next)).await;
    for item in follow.body["items"].as_array().unwrap() {
        assert_eq!(item.as_object().unwrap().len(), 2);
        assert_eq!(item["type"], "shop");
    }
    assert_eq!(follow.body["limit"], 5);
    // The whole URL is a cursor too.
    let encoded: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
    let by_url = get(
        &env,
        &ann.token,
        &format!("/unet/sites/?is_admin=true&type=shop&limit=5&fields=id,type&cursor={encoded}"),
    )
    .await;
    assert_eq!(by_url.body["items"], follow.body["items"]);
    // Tampered, foreign (another filter, another user) cursors are 400.
    let cursor = url::Url::parse(&next)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "cursor")
        .unwrap()
        .1
        .into_owned();
    let mut bytes = cursor.clone().into_bytes();
    bytes[5] = if bytes[5] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(bytes).unwrap();
    let bob_token = bob.token.clone();
    for (token, path) in [
        (
            &ann.token,
            format!("/unet/sites/?is_admin=true&type=shop&limit=5&cursor={tampered}"),
        ),
        (
            &ann.token,
            format!("/unet/sites/?is_admin=false&limit=5&cursor={cursor}"),
        ),
        (&ann.token, format!("/unet/sites/?limit=5&cursor={cursor}")),
        (
            &bob_token,
            format!("/unet/sites/?is_admin=true&type=shop&limit=5&cursor={cursor}"),
        ),
    ] {
        let r = get(&env, token, &path).await;
        assert_eq!(r.status, 400, "{path}: {:?}", r.body);
        assert_eq!(r.body["error"]["field"], "cursor");
    }
}

#[tokio::test]
async fn members_and_invitations_page_with_cursors_and_counts() {
    let env = quiet_env().await;
    let admin = person(&env).await;
    let id = site(&env, &admin.user, SiteType::Community, "Big club").await;
    let people: Vec<Person> = stream::iter(0..20)
        .map(|_| person(&env))
        .buffer_unordered(8)
        .collect()
        .await;
    for p in &people {
        join(&env, id, &p.user, SiteRole::Member).await;
    }
    let (pages, total) = walk(&env, &admin.token, &at(id, "members/?limit=6")).await;
    assert_eq!(total, 21);
    let seen: BTreeSet<u64> = pages.iter().flatten().copied().collect();
    assert_eq!(seen.len(), 21);
    assert!(seen.contains(&admin.user.seq));
    let mut invited = Vec::new();
    for i in 0..30 {
        let body = invite(&env, &admin, id, &format!("guest{i}@example.com")).await;
        invited.push(body["id"].as_u64().unwrap());
    }
    let (pages, total) = walk(&env, &admin.token, &at(id, "invitations/?limit=10")).await;
    assert_eq!(total, 30);
    let seen: Vec<u64> = pages.iter().flatten().copied().collect();
    assert_eq!(seen, invited, "invitations list in creation order");
    // A deleted invitation leaves the list and the count.
    let r = post(
        &env,
        &admin.token,
        &at(id, &format!("invitations/{}/delete", invited[3])),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let (pages, total) = walk(&env, &admin.token, &at(id, "invitations/?limit=10")).await;
    assert_eq!(total, 29);
    assert!(!pages.iter().flatten().any(|i| *i == invited[3]));
    let r = get(&env, &admin.token, &at(id, "invitations/?limit=10")).await;
    let next = r.body["next_cursor"].as_str().unwrap().to_owned();
    // A members cursor does not page invitations.
    let members = get(&env, &admin.token, &at(id, "members/?limit=6")).await;
    let mcursor = rel(members.body["next_cursor"].as_str().unwrap());
    let mcursor = mcursor.split("cursor=").nth(1).unwrap();
    let r2 = get(
        &env,
        &admin.token,
        &at(id, &format!("invitations/?cursor={mcursor}")),
    )
    .await;
    assert_eq!(r2.status, 400);
    assert!(!next.is_empty());
    let _: Value = r.body;
}
