//! Social Networks API against the emulator: the eight documented
//! operations (success, 401, 403, 404, 422 with nothing written, pagination
//! edges), and the backend endpoints that link accounts and record
//! authorizations (cooldown, allow_to_register, disabled networks, and
//! counters that stay exact under concurrent links and unlinks).

use aws_sdk_dynamodb::types::AttributeValue;
use axum::body::Body;
use domain::User;
use http::{Method, Request, StatusCode};
use identity::api_key::{self, Permission};
use platform_tests::{unique_name, Reply, TestEnv};
use serde_json::{json, Value};
use socialnetworks::store::NetworksStore;

pub(crate) async fn env() -> TestEnv {
    TestEnv::new(socialnetworks::app).await
}

async fn new_key(env: &TestEnv, permissions: &[Permission]) -> String {
    let (key, _) = api_key::create(&env.state.store, "test", permissions.to_vec())
        .await
        .unwrap();
    key.expose().to_owned()
}

/// A test's caller: one key with read and write.
pub(crate) struct Api<'a> {
    env: &'a TestEnv,
    key: String,
}

impl<'a> Api<'a> {
    pub(crate) async fn new(env: &'a TestEnv) -> Self {
        let key = new_key(env, &[Permission::Read, Permission::Write]).await;
        Self { env, key }
    }

    pub(crate) async fn call(&self, method: Method, uri: &str, body: Option<Value>) -> Reply {
        call(self.env, Some(&self.key), method, uri, body).await
    }

    pub(crate) async fn get(&self, uri: &str) -> Reply {
        self.call(Method::GET, uri, None).await
    }

    pub(crate) async fn post(&self, uri: &str, body: Value) -> Reply {
        self.call(Method::POST, uri, Some(body)).await
    }

    pub(crate) async fn put(&self, uri: &str, body: Value) -> Reply {
        self.call(Method::PUT, uri, Some(body)).await
    }

    pub(crate) async fn delete(&self, uri: &str) -> Reply {
        self.call(Method::DELETE, uri, None).await
    }

    pub(crate) async fn patch(&self, uri: &str) -> Reply {
        self.call(Method::PATCH, uri, None).await
    }

    /// Creates a network and returns its id.
    pub(crate) async fn network(&self, key: &str, extra: Value) -> u64 {
        let mut body = json!({
            "key": key,
            "settings": "{\"keys\":{\"client_id\":\"your-client-id\",\"client_secret\":\"your-client-secret\"}}",
            "icon": "<svg>...</svg>",
        });
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = self.post("/api/social-networks", body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        r.body["social_network"]["id"].as_u64().unwrap()
    }

    pub(crate) async fn link(
        &self,
        network: u64,
        user: u64,
        value: &str,
        registration: bool,
    ) -> Reply {
        self.post(
            &format!("/api/social-networks/{network}/links"),
            json!({
                "user_id": user, "value": value, "login": format!("login{value}"),
                "name": "John Doe", "url": format!("https://example.com/profile/{value}"),
                "registration": registration,
            }),
        )
        .await
    }

    pub(crate) async fn authorize(&self, network: u64, value: &str) -> Reply {
        self.post(
            &format!("/api/social-networks/{network}/authorizations"),
            json!({ "value": value }),
        )
        .await
    }

    pub(crate) async fn stats(&self, network: u64) -> Value {
        let r = self
            .get(&format!("/api/social-networks/{network}/stats"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        r.body["stats"].clone()
    }
}

async fn call(
    env: &TestEnv,
    key: Option<&str>,
    method: Method,
    uri: &str,
    body: Option<Value>,
) -> Reply {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(key) = key {
        req = req.header("X-API-Key", key);
    }
    let body = match body {
        Some(v) => {
            req = req.header("content-type", "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    env.send(req.body(body).unwrap()).await
}

/// A platform user; returns its integer id (`User::seq`).
pub(crate) async fn user(env: &TestEnv) -> u64 {
    let store = &env.state.store;
    let name = unique_name("sn");
    let seq = store.next_user_seq().await.unwrap();
    let user = User::new(
        seq,
        name.clone(),
        format!("{name}@example.com"),
        "not-a-login".into(),
    );
    store.create_user(&user, None).await.unwrap().seq
}

pub(crate) fn assert_error(r: &Reply, status: StatusCode, code: &str) {
    assert_eq!(r.status, status, "{:?}", r.body);
    assert_eq!(r.body["code"], code, "{:?}", r.body);
    assert!(r.body["message"].is_string(), "{:?}", r.body);
}

/// The table's items, map attributes in key order (`TestEnv::snapshot`
/// prints maps in hash order, so the same `settings` can differ there).
async fn snapshot(env: &TestEnv) -> Vec<String> {
    fn canon(v: &AttributeValue) -> String {
        match v {
            AttributeValue::M(m) => {
                let mut pairs: Vec<String> =
                    m.iter().map(|(k, v)| format!("{k}:{}", canon(v))).collect();
                pairs.sort();
                format!("{{{}}}", pairs.join(","))
            }
            AttributeValue::L(l) => {
                format!("[{}]", l.iter().map(canon).collect::<Vec<_>>().join(","))
            }
            other => format!("{other:?}"),
        }
    }
    let mut rows: Vec<String> = env
        .items()
        .await
        .iter()
        .map(|item| {
            let mut pairs: Vec<String> = item
                .iter()
                .map(|(k, v)| format!("{k}={}", canon(v)))
                .collect();
            pairs.sort();
            pairs.join(",")
        })
        .collect();
    rows.sort();
    rows
}

/// `2023-01-01T10:30:00Z`, as the document shows dates.
fn is_iso_utc(s: &str) -> bool {
    let b = s.as_bytes();
    s.len() == 20
        && b[4] == b'-'
        && b[10] == b'T'
        && b[19] == b'Z'
        && s.chars().filter(char::is_ascii_digit).count() == 14
}

fn keys_of(v: &Value) -> Vec<String> {
    let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

const SUMMARY: [&str; 6] = [
    "allow_to_register",
    "cooldown_time",
    "enabled",
    "icon",
    "id",
    "key",
];

#[tokio::test]
async fn create_then_get_returns_the_documented_fields_with_masked_settings() {
    let env = env().await;
    let api = Api::new(&env).await;
    let r = api
        .post(
            "/api/social-networks",
            json!({
                "key": "vk",
                "settings": "{\"keys\":{\"client_id\":\"your-client-id\",\"client_secret\":\"your-client-secret\"}}",
                "cooldown_time": 3600, "allow_to_register": true, "icon": "<svg>...</svg>", "enabled": false
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["message"], "Social network created successfully");
    let created = &r.body["social_network"];
    assert_eq!(keys_of(created), SUMMARY);
    assert_eq!(
        *created,
        json!({"id": 1, "key": "vk", "cooldown_time": 3600, "allow_to_register": true,
               "icon": "<svg>...</svg>", "enabled": false})
    );
    let r = api.get("/api/social-networks/1").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let detail = &r.body["social_network"];
    let mut expected: Vec<&str> = SUMMARY.to_vec();
    expected.extend(["settings", "users_count"]);
    expected.sort();
    assert_eq!(keys_of(detail), expected);
    assert_eq!(detail["users_count"], 0);
    assert_eq!(
        detail["settings"],
        json!({"client_id": "********t-id", "client_secret": "********cret"})
    );
    assert!(!r.body.to_string().contains("your-client-secret"));

    // Defaults: no cooldown, registration allowed, enabled; ids count up.
    let r = api
        .post(
            "/api/social-networks",
            json!({"key": "steam", "settings": "{}", "icon": "/icons/steam.svg"}),
        )
        .await;
    assert_eq!(
        r.body["social_network"],
        json!({"id": 2, "key": "steam", "cooldown_time": 0, "allow_to_register": true,
               "icon": "/icons/steam.svg", "enabled": true})
    );
    assert_eq!(
        api.get("/api/social-networks/2").await.body["social_network"]["settings"],
        json!({})
    );
}

#[tokio::test]
async fn create_refuses_bad_input_naming_the_field_and_writes_nothing() {
    let env = env().await;
    let api = Api::new(&env).await;
    api.network("steam", json!({})).await;
    let before = snapshot(&env).await;
    let good = json!({"key": "vk", "settings": "{\"keys\":{\"client_id\":\"a\"}}",
                      "cooldown_time": 10, "allow_to_register": true, "icon": "<svg/>", "enabled": true});
    let cases: Vec<(&str, Value)> = vec![
        ("key", json!(null)),
        ("key", json!("myspace")),
        ("key", json!("Steam")),
        ("key", json!("steam")),
        ("key", json!(5)),
        ("settings", json!(null)),
        ("settings", json!("not json")),
        ("settings", json!("[1,2]")),
        ("settings", json!("\"text\"")),
        ("settings", json!({"keys": {}})),
        ("settings", json!("{\"keys\":[1]}")),
        ("settings", json!("{\"keys\":{\"client_id\":5}}")),
        ("settings", json!("{\"other\":{}}")),
        ("icon", json!(null)),
        ("icon", json!("")),
        ("icon", json!("   ")),
        ("icon", json!(["<svg/>"])),
        ("cooldown_time", json!(-1)),
        ("cooldown_time", json!("10")),
        ("cooldown_time", json!(1.5)),
        ("cooldown_time", json!(1u64 << 40)),
        ("allow_to_register", json!("yes")),
        ("enabled", json!(1)),
    ];
    for (field, value) in cases {
        let mut body = good.clone();
        if value.is_null() {
            body.as_object_mut().unwrap().remove(field);
        } else {
            body[field] = value.clone();
        }
        let r = api.post("/api/social-networks", body).await;
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
        assert_eq!(
            r.error_field(),
            Some(field),
            "{field} = {value}: {:?}",
            r.body
        );
    }
    for raw in ["{", "[1,2]", "\"x\""] {
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/social-networks")
            .header("X-API-Key", &api.key)
            .header("content-type", "application/json")
            .body(Body::from(raw))
            .unwrap();
        assert_eq!(env.send(req).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(
        snapshot(&env).await,
        before,
        "a refused create wrote something"
    );
}

#[tokio::test]
async fn missing_unknown_and_revoked_keys_are_401_and_missing_permissions_403() {
    let env = env().await;
    let api = Api::new(&env).await;
    let id = api.network("steam", json!({})).await;
    let reader = new_key(&env, &[Permission::Read]).await;
    let writer = new_key(&env, &[Permission::Write]).await;
    let (revoked, record) = api_key::create(
        &env.state.store,
        "gone",
        vec![Permission::Read, Permission::Write],
    )
    .await
    .unwrap();
    let revoked = revoked.expose().to_owned();
    env.state.store.revoke_api_key(&record.id).await.unwrap();
    let body = json!({"key": "vk", "settings": "{}", "icon": "x"});
    let routes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/api/social-networks".into(), None),
        (
            Method::POST,
            "/api/social-networks".into(),
            Some(body.clone()),
        ),
        (Method::GET, format!("/api/social-networks/{id}"), None),
        (
            Method::PUT,
            format!("/api/social-networks/{id}"),
            Some(body.clone()),
        ),
        (Method::DELETE, format!("/api/social-networks/{id}"), None),
        (
            Method::GET,
            format!("/api/social-networks/{id}/users"),
            None,
        ),
        (
            Method::PATCH,
            format!("/api/social-networks/{id}/toggle"),
            None,
        ),
        (
            Method::GET,
            format!("/api/social-networks/{id}/stats"),
            None,
        ),
        (
            Method::POST,
            format!("/api/social-networks/{id}/links"),
            Some(
                json!({"user_id": 1, "value": "1", "login": "l", "name": "n", "url": "https://x.org/1"}),
            ),
        ),
        (
            Method::DELETE,
            format!("/api/social-networks/{id}/links/1"),
            None,
        ),
        (
            Method::POST,
            format!("/api/social-networks/{id}/authorizations"),
            Some(json!({"value": "1"})),
        ),
    ];
    let before = snapshot(&env).await;
    for (method, uri, body) in &routes {
        for key in [
            None,
            Some(""),
            Some("junk"),
            Some("plk_cQY85mgmSxZl9G3t1B5ZpbsmWWj0bMxb"),
            Some(revoked.as_str()),
        ] {
            let r = call(&env, key, method.clone(), uri, body.clone()).await;
            assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
        }
        let wrong = if *method == Method::GET {
            &writer
        } else {
            &reader
        };
        let r = call(&env, Some(wrong), method.clone(), uri, body.clone()).await;
        assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    }
    assert_eq!(
        snapshot(&env).await,
        before,
        "a refused request wrote something"
    );
    // The right permission passes.
    let r = call(
        &env,
        Some(&reader),
        Method::GET,
        "/api/social-networks",
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn unknown_ids_are_404_and_write_nothing() {
    let env = env().await;
    let api = Api::new(&env).await;
    api.network("steam", json!({})).await;
    let before = snapshot(&env).await;
    let body = json!({"key": "vk", "settings": "{}", "icon": "x"});
    for id in ["999", "0", "abc", "-1", "1.5", "99999999999999999999"] {
        let base = format!("/api/social-networks/{id}");
        for r in [
            api.get(&base).await,
            api.put(&base, body.clone()).await,
            api.delete(&base).await,
            api.get(&format!("{base}/users")).await,
            api.patch(&format!("{base}/toggle")).await,
            api.get(&format!("{base}/stats")).await,
            api.link(id.parse().unwrap_or(999), 1, "v1", false).await,
            api.authorize(id.parse().unwrap_or(999), "v1").await,
        ] {
            assert_error(&r, StatusCode::NOT_FOUND, "not_found");
            assert_eq!(r.body["message"], "Social network not found");
        }
    }
    assert_eq!(snapshot(&env).await, before);
}

#[tokio::test]
async fn list_pages_with_defaults_bounds_and_past_the_end() {
    let env = env().await;
    let api = Api::new(&env).await;
    let keys = ["steam", "discord", "vk", "github", "google"];
    for k in keys {
        api.network(k, json!({})).await;
    }
    let all = api.get("/api/social-networks").await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(keys_of(&all.body), ["social_networks"]);
    let listed: Vec<&str> = all.body["social_networks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["key"].as_str().unwrap())
        .collect();
    assert_eq!(listed, keys);
    assert_eq!(keys_of(&all.body["social_networks"][0]), SUMMARY);

    let page = |p: &str| {
        let api = &api;
        let uri = format!("/api/social-networks?{p}");
        async move { api.get(&uri).await }
    };
    let count = |r: &Reply| r.body["social_networks"].as_array().unwrap().len();
    assert_eq!(count(&page("per_page=2").await), 2);
    assert_eq!(count(&page("page=2&per_page=2").await), 2);
    let last = page("page=3&per_page=2").await;
    assert_eq!(count(&last), 1);
    assert_eq!(last.body["social_networks"][0]["key"], "google");
    assert_eq!(count(&page("page=4&per_page=2").await), 0);
    assert_eq!(count(&page("page=1000000").await), 0);
    assert_eq!(count(&page("per_page=100").await), 5);
    assert_eq!(count(&page("per_page=1").await), 1);
    for (q, field) in [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=x", "page"),
        ("page=1000001", "page"),
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("per_page=2.5", "per_page"),
    ] {
        let r = page(q).await;
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
        assert_eq!(r.error_field(), Some(field), "{q}");
    }
}

#[tokio::test]
async fn update_sets_fields_moves_the_key_and_keeps_masked_secrets() {
    let env = env().await;
    let api = Api::new(&env).await;
    let id = api.network("steam", json!({"cooldown_time": 3600})).await;
    let other = api.network("discord", json!({})).await;
    let uri = format!("/api/social-networks/{id}");
    let shown = api.get(&uri).await.body["social_network"]["settings"].clone();
    // The masked secret sent back keeps the stored one; the id changes.
    let settings = json!({"keys": {"client_id": "updated-client-id", "client_secret": shown["client_secret"]}});
    let r = api
        .put(
            &uri,
            json!({"key": "vk", "settings": settings.to_string(), "icon": "<svg>vk</svg>", "enabled": false}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["message"], "Social network updated successfully");
    assert_eq!(
        r.body["social_network"],
        json!({"id": id, "key": "vk", "cooldown_time": 3600, "allow_to_register": true,
               "icon": "<svg>vk</svg>", "enabled": false})
    );
    let stored = NetworksStore::new(&env.state.store)
        .get_network(id)
        .await
        .unwrap()
        .unwrap()
        .record;
    // Stored sealed (purpose social-network); the emulator's KMS opens them.
    let keys = env.state.secrets.as_deref().unwrap();
    let open = |name: &str| {
        let sealed = stored.settings[name].sealed.clone();
        async move {
            let plain = domain::sealed::open(keys, socialnetworks::settings::PURPOSE, &sealed)
                .await
                .unwrap();
            String::from_utf8(plain).unwrap()
        }
    };
    assert_eq!(open("client_secret").await, "your-client-secret");
    assert_eq!(open("client_id").await, "updated-client-id");
    // The old key is free again, the new one is taken.
    api.network("steam", json!({})).await;
    let before = snapshot(&env).await;
    let r = api
        .put(
            &format!("/api/social-networks/{other}"),
            json!({"key": "vk", "settings": "{}", "icon": "x"}),
        )
        .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
    assert_eq!(r.error_field(), Some("key"));
    for (field, body) in [
        (
            "settings",
            json!({"key": "discord", "settings": "[]", "icon": "x"}),
        ),
        ("icon", json!({"key": "discord", "settings": "{}"})),
        (
            "cooldown_time",
            json!({"key": "discord", "settings": "{}", "icon": "x", "cooldown_time": -5}),
        ),
        ("key", json!({"key": "nope", "settings": "{}", "icon": "x"})),
    ] {
        let r = api
            .put(&format!("/api/social-networks/{other}"), body)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
        assert_eq!(r.error_field(), Some(field));
    }
    assert_eq!(
        snapshot(&env).await,
        before,
        "a refused update wrote something"
    );
    // Same key: no sentinel move, fields change.
    let r = api
        .put(
            &format!("/api/social-networks/{other}"),
            json!({"key": "discord", "settings": "{}", "icon": "y", "cooldown_time": 0}),
        )
        .await;
    assert_eq!(r.body["social_network"]["icon"], "y");
}

#[tokio::test]
async fn toggle_flips_enabled_both_ways() {
    let env = env().await;
    let api = Api::new(&env).await;
    let id = api.network("steam", json!({"enabled": true})).await;
    let uri = format!("/api/social-networks/{id}/toggle");
    let r = api.patch(&uri).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.body["message"],
        "Social network status updated successfully"
    );
    assert_eq!(keys_of(&r.body["social_network"]), SUMMARY);
    assert_eq!(r.body["social_network"]["enabled"], false);
    assert_eq!(
        api.patch(&uri).await.body["social_network"]["enabled"],
        true
    );
    assert_eq!(
        api.get(&format!("/api/social-networks/{id}")).await.body["social_network"]["enabled"],
        true
    );
}

#[tokio::test]
async fn delete_is_refused_while_users_are_linked_and_allowed_after_unlink() {
    let env = env().await;
    let api = Api::new(&env).await;
    let first = api.network("steam", json!({})).await;
    let id = api.network("discord", json!({})).await;
    api.network("vk", json!({})).await;
    let u = user(&env).await;
    assert_eq!(
        api.link(id, u, "12345678", false).await.status,
        StatusCode::CREATED
    );
    let before = snapshot(&env).await;
    let r = api.delete(&format!("/api/social-networks/{id}")).await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "has_linked_users");
    assert_eq!(r.body["message"], "Cannot delete, there are linked users");
    assert_eq!(snapshot(&env).await, before);

    let r = api
        .delete(&format!("/api/social-networks/{id}/links/{u}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // The backend's link and unlink are in the user's security log.
    let owner = env.state.store.user_id_by_seq(u).await.unwrap().unwrap();
    let events = crate::audit_support::events_of(&env, owner.as_str()).await;
    assert_eq!(
        crate::audit_support::kinds(&events),
        ["network_unlinked", "network_linked"]
    );
    assert!(events
        .iter()
        .all(|e| e.actor == domain::audit::Actor::App && e.detail["network"] == "discord"));
    let r = api.delete(&format!("/api/social-networks/{id}")).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        r.body,
        json!({"message": "Social network deleted successfully"})
    );
    assert_eq!(
        api.get(&format!("/api/social-networks/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    // Positions stay dense: the last network moved into the hole.
    let keys: Vec<Value> = api.get("/api/social-networks?per_page=1&page=2").await.body
        ["social_networks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["key"].clone())
        .collect();
    assert_eq!(keys, [json!("vk")]);
    // The key is free again, and only the network's partition is gone.
    api.network("discord", json!({})).await;
    assert_eq!(
        api.delete(&format!("/api/social-networks/{first}"))
            .await
            .status,
        StatusCode::OK
    );
    let leftovers: Vec<_> = env
        .items()
        .await
        .into_iter()
        .filter(|i| {
            let pk = i["pk"].as_s().unwrap();
            pk.starts_with(&format!("NETWORK#{id}")) || pk.starts_with("NETACCOUNT#")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[tokio::test]
async fn users_list_pages_with_total_and_the_documented_fields() {
    let env = env().await;
    let api = Api::new(&env).await;
    let id = api.network("steam", json!({})).await;
    let mut seqs = Vec::new();
    for i in 0..5 {
        let u = user(&env).await;
        let r = api.link(id, u, &format!("1000{i}"), false).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        assert_eq!(
            r.body["message"],
            "Social network account linked successfully"
        );
        seqs.push(u);
    }
    let uri = format!("/api/social-networks/{id}/users");
    let r = api.get(&uri).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(keys_of(&r.body), ["page", "per_page", "total", "users"]);
    assert_eq!(
        (
            r.body["total"].clone(),
            r.body["page"].clone(),
            r.body["per_page"].clone()
        ),
        (json!(5), json!(1), json!(20))
    );
    let row = &r.body["users"][0];
    assert_eq!(
        keys_of(row),
        ["id", "linked_at", "login", "name", "url", "value"]
    );
    assert_eq!(row["id"], seqs[0]);
    assert_eq!(row["value"], "10000");
    assert_eq!(row["login"], "login10000");
    assert_eq!(row["url"], "https://example.com/profile/10000");
    assert!(is_iso_utc(row["linked_at"].as_str().unwrap()), "{row}");

    let ids = |r: &Reply| -> Vec<u64> {
        r.body["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["id"].as_u64().unwrap())
            .collect()
    };
    let p2 = api.get(&format!("{uri}?page=2&per_page=2")).await;
    assert_eq!(ids(&p2), seqs[2..4]);
    assert_eq!(
        (
            p2.body["page"].clone(),
            p2.body["per_page"].clone(),
            p2.body["total"].clone()
        ),
        (json!(2), json!(2), json!(5))
    );
    assert_eq!(
        ids(&api.get(&format!("{uri}?page=3&per_page=2")).await),
        seqs[4..]
    );
    let past = api.get(&format!("{uri}?page=4&per_page=2")).await;
    assert_eq!(ids(&past), Vec::<u64>::new());
    assert_eq!(past.body["total"], 5);
    for q in ["per_page=0", "per_page=101", "page=0"] {
        let r = api.get(&format!("{uri}?{q}")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{q}");
    }
    // Unlinking from the middle: each user's shard keeps its own positions
    // dense (one user each here: integer ids 1 to 5), the others keep
    // their order. The hole-filling within a shard is in
    // social_networks_shards.rs and concurrent_links_and_unlinks….
    assert_eq!(
        api.delete(&format!("{}/links/{}", &uri[..uri.len() - 6], seqs[1]))
            .await
            .status,
        StatusCode::OK
    );
    let r = api.get(&uri).await;
    assert_eq!(ids(&r), [seqs[0], seqs[2], seqs[3], seqs[4]]);
    assert_eq!(r.body["total"], 4);
}

#[tokio::test]
async fn links_refuse_bad_input_taken_accounts_and_unknown_users_writing_nothing() {
    let env = env().await;
    let api = Api::new(&env).await;
    let id = api.network("steam", json!({})).await;
    let (a, b) = (user(&env).await, user(&env).await);
    assert_eq!(
        api.link(id, a, "777", false).await.status,
        StatusCode::CREATED
    );
    let before = snapshot(&env).await;
    // One network account, one user; one account per network and user.
    let r = api.link(id, b, "777", false).await;
    assert_error(&r, StatusCode::CONFLICT, "account_taken");
    assert_eq!(r.error_field(), Some("value"));
    let r = api.link(id, a, "778", false).await;
    assert_error(&r, StatusCode::CONFLICT, "already_linked");
    let r = api.link(id, 999_999, "779", false).await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
    assert_eq!(r.error_field(), Some("user_id"));
    let good =
        json!({"user_id": b, "value": "1", "login": "l", "name": "n", "url": "https://x.org/1"});
    for (field, value) in [
        ("user_id", json!(null)),
        ("user_id", json!(0)),
        ("user_id", json!("1")),
        ("value", json!(null)),
        ("value", json!("")),
        ("value", json!(" 1")),
        ("value", json!(12)),
        ("login", json!(null)),
        ("name", json!("x".repeat(256))),
        ("url", json!("javascript:alert(1)")),
        ("url", json!(null)),
        ("registration", json!("yes")),
    ] {
        let mut body = good.clone();
        if value.is_null() {
            body.as_object_mut().unwrap().remove(field);
        } else {
            body[field] = value.clone();
        }
        let r = api
            .post(&format!("/api/social-networks/{id}/links"), body)
            .await;
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
        assert_eq!(r.error_field(), Some(field), "{field} = {value}");
    }
    let r = api
        .delete(&format!("/api/social-networks/{id}/links/{b}"))
        .await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_linked");
    let r = api.authorize(id, "not-linked").await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_linked");
    assert_eq!(
        snapshot(&env).await,
        before,
        "a refused link wrote something"
    );
    // After an unlink the account can go to someone else.
    assert_eq!(
        api.delete(&format!("/api/social-networks/{id}/links/{a}"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        api.link(id, b, "777", false).await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn registration_needs_allow_to_register_and_a_disabled_network_refuses_both() {
    let env = env().await;
    let api = Api::new(&env).await;
    let closed = api
        .network("steam", json!({"allow_to_register": false}))
        .await;
    let open = api.network("discord", json!({})).await;
    let (a, b) = (user(&env).await, user(&env).await);
    let before = snapshot(&env).await;
    let r = api.link(closed, a, "1", true).await;
    assert_error(&r, StatusCode::FORBIDDEN, "registration_closed");
    assert_eq!(snapshot(&env).await, before);
    // Linking an existing user is not a registration.
    assert_eq!(
        api.link(closed, a, "1", false).await.status,
        StatusCode::CREATED
    );
    assert_eq!(
        api.link(open, b, "2", true).await.status,
        StatusCode::CREATED
    );
    assert_eq!(api.stats(open).await["registrations_this_month"], 1);
    assert_eq!(api.stats(closed).await["registrations_this_month"], 0);

    api.patch(&format!("/api/social-networks/{open}/toggle"))
        .await;
    let before = snapshot(&env).await;
    let c = user(&env).await;
    let before_user = snapshot(&env).await;
    assert!(before_user.len() > before.len());
    for r in [
        api.link(open, c, "3", true).await,
        api.link(open, c, "3", false).await,
        api.authorize(open, "2").await,
    ] {
        assert_error(&r, StatusCode::FORBIDDEN, "network_disabled");
    }
    assert_eq!(snapshot(&env).await, before_user);
    // Users may still unlink from a disabled network; enabling again works.
    assert_eq!(
        api.delete(&format!("/api/social-networks/{open}/links/{b}"))
            .await
            .status,
        StatusCode::OK
    );
    api.patch(&format!("/api/social-networks/{open}/toggle"))
        .await;
    assert_eq!(
        api.link(open, c, "3", false).await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn a_second_authorization_within_the_cooldown_is_429_with_retry_after() {
    let env = env().await;
    let api = Api::new(&env).await;
    let slow = api.network("steam", json!({"cooldown_time": 3600})).await;
    // Long enough that a loaded machine cannot let it lapse between two
    // requests; short enough to wait out.
    let quick = api.network("discord", json!({"cooldown_time": 3})).await;
    let free = api.network("vk", json!({"cooldown_time": 0})).await;
    let u = user(&env).await;
    for n in [slow, quick, free] {
        assert_eq!(
            api.link(n, u, "42", false).await.status,
            StatusCode::CREATED
        );
    }
    let r = api.authorize(slow, "42").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["authorization"]["user_id"], u);
    assert_eq!(r.body["authorization"]["value"], "42");
    let before = snapshot(&env).await;
    let r = api.authorize(slow, "42").await;
    assert_error(&r, StatusCode::TOO_MANY_REQUESTS, "cooldown");
    let wait: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((3590..=3600).contains(&wait), "{wait}");
    assert_eq!(
        snapshot(&env).await,
        before,
        "a refused authorization wrote something"
    );

    assert_eq!(api.authorize(quick, "42").await.status, StatusCode::OK);
    let r = api.authorize(quick, "42").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=3).contains(&wait), "{wait}");
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    assert_eq!(api.authorize(quick, "42").await.status, StatusCode::OK);

    for _ in 0..3 {
        assert_eq!(api.authorize(free, "42").await.status, StatusCode::OK);
    }
    // Racing authorizations inside the cooldown: exactly one wins.
    let racer = api.network("github", json!({"cooldown_time": 600})).await;
    assert_eq!(
        api.link(racer, u, "42", false).await.status,
        StatusCode::CREATED
    );
    let replies = futures::future::join_all((0..6).map(|_| api.authorize(racer, "42"))).await;
    let ok = replies
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    let limited = replies
        .iter()
        .filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((ok, limited), (1, 5));
}

#[tokio::test]
async fn stats_are_maintained_by_links_unlinks_and_authorizations() {
    let env = env().await;
    let api = Api::new(&env).await;
    let id = api.network("steam", json!({})).await;
    let r = api.get(&format!("/api/social-networks/{id}/stats")).await;
    assert_eq!(keys_of(&r.body), ["stats"]);
    assert_eq!(
        r.body["stats"],
        json!({"total_users": 0, "active_users": 0, "registrations_this_month": 0, "last_authorization": null})
    );
    let (a, b, c) = (user(&env).await, user(&env).await, user(&env).await);
    api.link(id, a, "a", true).await; // a sign-up: registered, and active
    api.link(id, b, "b", false).await;
    api.link(id, c, "c", false).await;
    let s = api.stats(id).await;
    assert_eq!(
        (
            s["total_users"].clone(),
            s["active_users"].clone(),
            s["registrations_this_month"].clone()
        ),
        (json!(3), json!(1), json!(1))
    );
    let at = s["last_authorization"].as_str().unwrap();
    assert!(is_iso_utc(at), "{at}");
    api.authorize(id, "b").await;
    api.authorize(id, "b").await; // the same user again: still one active user
    api.authorize(id, "a").await;
    let s = api.stats(id).await;
    assert_eq!(
        (s["total_users"].clone(), s["active_users"].clone()),
        (json!(3), json!(2))
    );
    assert_eq!(
        api.get(&format!("/api/social-networks/{id}")).await.body["social_network"]["users_count"],
        3
    );
    // An active user who unlinks is no longer a user, active or not.
    api.delete(&format!("/api/social-networks/{id}/links/{b}"))
        .await;
    api.delete(&format!("/api/social-networks/{id}/links/{c}"))
        .await;
    let s = api.stats(id).await;
    assert_eq!(
        (
            s["total_users"].clone(),
            s["active_users"].clone(),
            s["registrations_this_month"].clone()
        ),
        (json!(1), json!(1), json!(1))
    );
}

#[tokio::test]
async fn concurrent_links_and_unlinks_leave_the_counts_exact() {
    let env = env().await;
    let api = Api::new(&env).await;
    let id = api.network("steam", json!({"cooldown_time": 0})).await;
    let mut users = Vec::new();
    for _ in 0..16 {
        users.push(user(&env).await);
    }
    let (first, rest) = users.split_at(6);
    for (i, u) in first.iter().enumerate() {
        assert_eq!(
            api.link(id, *u, &format!("old{i}"), false).await.status,
            StatusCode::CREATED
        );
        assert_eq!(
            api.authorize(id, &format!("old{i}")).await.status,
            StatusCode::OK
        );
    }
    // 10 links, 4 unlinks (of active users) and 2 authorizations at once.
    let api = &api;
    let links = rest
        .iter()
        .enumerate()
        .map(|(i, u)| async move { api.link(id, *u, &format!("new{i}"), i % 2 == 0).await });
    let unlinks = first[..4].iter().map(|u| async move {
        api.delete(&format!("/api/social-networks/{id}/links/{u}"))
            .await
    });
    let auths = (4..6).map(|i| async move { api.authorize(id, &format!("old{i}")).await });
    let (links, unlinks, auths) = tokio::join!(
        futures::future::join_all(links),
        futures::future::join_all(unlinks),
        futures::future::join_all(auths)
    );
    for r in links.iter() {
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
    for r in unlinks.iter().chain(auths.iter()) {
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    }
    let s = api.stats(id).await;
    // 6 - 4 + 10 users; active: the 2 remaining old ones + 5 sign-ups.
    assert_eq!(
        (
            s["total_users"].clone(),
            s["active_users"].clone(),
            s["registrations_this_month"].clone()
        ),
        (json!(12), json!(7), json!(5))
    );
    let r = api
        .get(&format!("/api/social-networks/{id}/users?per_page=100"))
        .await;
    assert_eq!(r.body["total"], 12);
    let mut listed: Vec<u64> = r.body["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_u64().unwrap())
        .collect();
    listed.sort();
    let mut expected: Vec<u64> = first[4..].iter().chain(rest).copied().collect();
    expected.sort();
    assert_eq!(listed, expected);
    // Every shard's positions are dense from 1, twelve slots in all, one
    // member item per user, and none on the network item's own allocator.
    let items = env.items().await;
    let sks = |pk: &str, prefix: &str| -> Vec<String> {
        let mut v: Vec<String> = items
            .iter()
            .filter(|i| i["pk"].as_s().unwrap() == pk)
            .map(|i| i["sk"].as_s().unwrap().clone())
            .filter(|sk| sk.starts_with(prefix))
            .collect();
        v.sort();
        v
    };
    let network = format!("NETWORK#{id}");
    assert!(sks(&network, "SLOT#").is_empty());
    assert_eq!(sks(&network, "MEMBER#").len(), 12);
    let mut slots = 0;
    for k in 0..8 {
        let shard = sks(&format!("NETUSERS#{id}#{k}"), "SLOT#");
        let dense: Vec<String> = (1..=shard.len()).map(|p| format!("SLOT#{p:010}")).collect();
        assert_eq!(shard, dense, "shard {k}");
        slots += shard.len();
    }
    assert_eq!(slots, 12);
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_in_the_envelope() {
    let env = env().await;
    let api = Api::new(&env).await;
    assert_error(
        &api.get("/api/nothing").await,
        StatusCode::NOT_FOUND,
        "no_route",
    );
    let r = api
        .call(Method::POST, "/api/social-networks/1/stats", None)
        .await;
    assert_error(&r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
}
