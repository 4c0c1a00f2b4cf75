//! A network's users on shards (functions/socialnetworks/src/store/
//! shards.rs): a crowd linking one network at once all lands with exact
//! counts and every page lists each user once; links written before the
//! shards (on the network item's own allocator) list, unlink and count
//! beside new ones; a link racing the network's delete writes nothing.

use super::social_networks::{assert_error, env, user, Api};
use aws_sdk_dynamodb::types::AttributeValue;
use domain::audit::{Actor, Event, Kind};
use http::StatusCode;
use platform_tests::TestEnv;
use serde_json::json;
use socialnetworks::store::{LinkError, NetworkAccount, NetworksStore};
use table::item::{n, s};

/// Every id of the users list, read `per_page` at a time.
async fn listed(api: &Api<'_>, network: u64, per_page: u64) -> Vec<u64> {
    let mut ids = Vec::new();
    for page in 1.. {
        let r = api
            .get(&format!(
                "/api/social-networks/{network}/users?page={page}&per_page={per_page}"
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        let users = r.body["users"].as_array().unwrap().clone();
        if users.is_empty() {
            return ids;
        }
        assert!(users.len() as u64 <= per_page);
        ids.extend(users.iter().map(|u| u["id"].as_u64().unwrap()));
    }
    unreachable!()
}

fn sorted(mut ids: Vec<u64>) -> Vec<u64> {
    ids.sort_unstable();
    ids
}

#[tokio::test]
async fn forty_links_to_one_network_at_once_all_land_and_every_page_lists_each_once() {
    let env = env().await;
    let api = Api::new(&env).await;
    let id = api.network("steam", json!({"cooldown_time": 0})).await;
    let mut users = Vec::new();
    for _ in 0..40 {
        users.push(user(&env).await);
    }
    let api = &api;
    let links = users
        .iter()
        .enumerate()
        .map(|(i, u)| async move { api.link(id, *u, &format!("crowd{i}"), i % 2 == 0).await });
    for r in futures::future::join_all(links).await {
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
    let s = api.stats(id).await;
    assert_eq!(
        (
            s["total_users"].clone(),
            s["active_users"].clone(),
            s["registrations_this_month"].clone()
        ),
        (json!(40), json!(20), json!(20))
    );
    assert!(s["last_authorization"].is_string());
    let detail = api.get(&format!("/api/social-networks/{id}")).await;
    assert_eq!(detail.body["social_network"]["users_count"], 40);
    let all = listed(api, id, 100).await;
    assert_eq!(sorted(all.clone()), sorted(users.clone()));
    for per_page in [7, 20] {
        assert_eq!(listed(api, id, per_page).await, all, "per_page {per_page}");
    }
    let r = api
        .get(&format!(
            "/api/social-networks/{id}/users?page=3&per_page=20"
        ))
        .await;
    assert_eq!(
        (r.body["total"].clone(), r.body["users"].clone()),
        (json!(40), json!([]))
    );
}

/// A link as the version before the shards wrote it: member, slot and
/// sentinel in the network's partition, counted on the network item.
async fn old_link(env: &TestEnv, network: u64, (seq, position): (u64, u64)) {
    let owner = env.state.store.user_id_by_seq(seq).await.unwrap().unwrap();
    let pk = format!("NETWORK#{network}");
    let value = format!("old{seq}");
    let linked = ("linked_at", s("2026-11-01T10:00:00Z"));
    let common = [
        ("user_seq", n(seq)),
        ("user_id", s(owner.as_str())),
        ("value", s(&value)),
    ];
    let member = [
        ("pk", s(&pk)),
        ("sk", s(format!("MEMBER#{seq:020}"))),
        ("position", n(position)),
    ];
    let slot = [
        ("pk", s(&pk)),
        ("sk", s(format!("SLOT#{position:010}"))),
        ("position", n(position)),
        ("login", s("old")),
        ("name", s("Old Link")),
        ("url", s("https://example.com/old")),
    ];
    let sentinel = [
        ("pk", s(format!("NETACCOUNT#{network}#{value}"))),
        ("sk", s(table::keys::SENTINEL_SK)),
        ("network_id", n(network)),
        ("user_seq", n(seq)),
    ];
    let items = [
        member
            .iter()
            .chain(&common)
            .chain([&linked])
            .cloned()
            .collect::<Vec<_>>(),
        slot.iter()
            .chain(&common)
            .chain([&linked])
            .cloned()
            .collect(),
        sentinel.to_vec(),
    ];
    for item in items {
        env.put_raw(item.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            .await;
    }
    let store = &env.state.store;
    store
        .client()
        .update_item()
        .table_name(store.table())
        .key("pk", s(&pk))
        .key("sk", s("NETWORK"))
        .update_expression("ADD users_count :one")
        .expression_attribute_values(":one", n(1))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn links_from_before_the_shards_list_unlink_and_count_beside_new_ones() {
    let env = env().await;
    let api = Api::new(&env).await;
    let id = api.network("steam", json!({})).await;
    let mut old = Vec::new();
    for position in 1..=3 {
        let u = user(&env).await;
        old_link(&env, id, (u, position)).await;
        old.push(u);
    }
    let mut new = Vec::new();
    for i in 0..5 {
        let u = user(&env).await;
        let r = api.link(id, u, &format!("new{i}"), false).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        new.push(u);
    }
    let everyone: Vec<u64> = old.iter().chain(&new).copied().collect();
    let all = listed(&api, id, 100).await;
    assert_eq!(sorted(all.clone()), sorted(everyone.clone()));
    assert_eq!(listed(&api, id, 3).await, all);
    assert_eq!(api.stats(id).await["total_users"], 8);

    // The first old link goes: the last old slot fills its hole.
    let r = api
        .delete(&format!("/api/social-networks/{id}/links/{}", old[0]))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let network = NetworksStore::new(&env.state.store)
        .get_network(id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((network.record.users_count, network.users_count()), (2, 7));
    let moved = NetworksStore::new(&env.state.store)
        .member(id, old[2])
        .await
        .unwrap()
        .unwrap();
    assert_eq!((moved.shard, moved.position), (None, 1));
    let r = api
        .delete(&format!("/api/social-networks/{id}/links/{}", new[0]))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let left: Vec<u64> = everyone[1..]
        .iter()
        .filter(|u| **u != new[0])
        .copied()
        .collect();
    assert_eq!(sorted(listed(&api, id, 2).await), sorted(left.clone()));

    // Everyone unlinked, the network goes, and its shards are tombstones.
    for u in left {
        let r = api
            .delete(&format!("/api/social-networks/{id}/links/{u}"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    }
    assert_eq!(api.stats(id).await["total_users"], 0);
    let r = api.delete(&format!("/api/social-networks/{id}")).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let items = env.items().await;
    let named: Vec<_> = items
        .iter()
        .filter(|i| {
            let pk = i["pk"].as_s().unwrap();
            pk == &format!("NETWORK#{id}") || pk.starts_with(&format!("NETUSERS#{id}#"))
        })
        .collect();
    assert_eq!(named.len(), 8, "{named:?}");
    assert!(named.iter().all(|i| i.contains_key("deleted")
        && i.contains_key("expires_at")
        && !i.contains_key("users")));
}

#[tokio::test]
async fn a_link_racing_the_networks_delete_is_refused_and_writes_nothing() {
    let env = env().await;
    let api = Api::new(&env).await;
    let id = api.network("steam", json!({})).await;
    let u = user(&env).await;
    let store = NetworksStore::new(&env.state.store);
    // The link read the network before the delete, and commits after it.
    let snapshot = store.link_snapshot(id, u).await.unwrap();
    let r = api.delete(&format!("/api/social-networks/{id}")).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let account = NetworkAccount {
        value: "late".into(),
        login: "late".into(),
        name: "Late Link".into(),
        url: "https://example.com/late".into(),
    };
    let event = Event::new(Kind::NetworkLinked, Actor::App);
    let before = env.items().await.len();
    let refused = store
        .link_account(id, u, &account, false, snapshot, &event)
        .await;
    assert!(
        matches!(refused, Err(LinkError::NetworkNotFound)),
        "{refused:?}"
    );
    assert_eq!(env.items().await.len(), before);
    let r = api.link(id, u, "late", false).await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_found");
    let shards = env.items().await;
    assert!(!shards
        .iter()
        .any(|i| i.get("users") == Some(&AttributeValue::N("1".into()))));
}
