//! Users API, social half: follow graph, follow requests, blocks, lists
//! (docs/api/users.md, "Social"). Races are in `users_social_races`,
//! search in `users_search`, invite codes in `users_invites`.

use aws_sdk_dynamodb::types::AttributeValue;
use domain::scopes::*;
use domain::{User, UserId};
use http::{Method, StatusCode};
use platform_tests::{unique_name, Reply, TestEnv};
use serde_json::{json, Value};

pub const SOCIAL: &[&str] = &[
    PROFILE_READ,
    PROFILE_WRITE,
    PROFILE_SEARCH,
    SOCIAL_BLOCK_WRITE,
    SOCIAL_FOLLOW_READ,
    SOCIAL_FOLLOW_WRITE,
    SOCIAL_INVITE_CODE_READ,
];

pub async fn env() -> TestEnv {
    TestEnv::new(users::app).await
}

/// A user written straight to the table (no password hashing), verified,
/// with a token holding every social scope.
pub struct Member {
    pub user: User,
    pub token: String,
}

impl Member {
    pub fn id(&self) -> &str {
        self.user.id.as_str()
    }
}

pub async fn member_named(env: &TestEnv, first: &str, last: &str, private: bool) -> Member {
    member_called(env, &unique_name("member_"), first, last, private).await
}

pub async fn member_called(
    env: &TestEnv,
    username: &str,
    first: &str,
    last: &str,
    private: bool,
) -> Member {
    let username = username.to_owned();
    let seq = env.state.store.next_user_seq().await.unwrap();
    let mut user = User::new(
        seq,
        username.clone(),
        format!("{username}@example.com"),
        "x".into(),
    );
    user.first_name = Some(first.into());
    user.last_name = Some(last.into());
    user.email_verified = true;
    user.is_private = private;
    // As every sign-up does: the search index entries in the same write.
    let index = table::search_index::index_puts(env.state.store.table(), &user).unwrap();
    let user = env
        .state
        .store
        .create_user_with(&user, index, None)
        .await
        .unwrap();
    let token = identity::jwt::mint_for_user(&env.state.access_tokens, &user, SOCIAL)
        .await
        .unwrap();
    Member { user, token }
}

pub async fn member(env: &TestEnv) -> Member {
    member_named(env, "John", "Doe", false).await
}

pub async fn send(
    env: &TestEnv,
    m: &Member,
    method: Method,
    uri: &str,
    body: Option<Value>,
) -> Reply {
    let mut req = http::Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {}", m.token));
    let body = match body {
        Some(v) => {
            req = req.header("content-type", "application/json");
            axum::body::Body::from(v.to_string())
        }
        None => axum::body::Body::empty(),
    };
    env.send(req.body(body).unwrap()).await
}

pub async fn follow(env: &TestEnv, who: &Member, whom: &Member) -> Reply {
    send(
        env,
        who,
        Method::POST,
        "/user/follow",
        Some(json!({"target": whom.id()})),
    )
    .await
}

pub async fn unfollow(env: &TestEnv, who: &Member, whom: &Member) -> Reply {
    send(
        env,
        who,
        Method::POST,
        "/user/unfollow",
        Some(json!({"target": whom.id()})),
    )
    .await
}

pub async fn block(env: &TestEnv, who: &Member, whom: &Member) -> Reply {
    send(
        env,
        who,
        Method::POST,
        "/user/block",
        Some(json!({"target": whom.id()})),
    )
    .await
}

pub async fn records(env: &TestEnv, m: &Member, uri: &str) -> Vec<Value> {
    let r = send(env, m, Method::GET, uri, None).await;
    assert_eq!(r.status, StatusCode::OK, "{uri}: {:?}", r.body);
    assert_eq!(r.body["ok"], 1);
    r.body["data"]["records"].as_array().unwrap().clone()
}

/// (followerCount, followingCount) as the API shows them to the user
/// (`GET /user/me`: the user item and its follower shards summed).
pub async fn counts(env: &TestEnv, m: &Member) -> (u64, u64) {
    let r = send(env, m, Method::GET, "/user/me", None).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let me = &r.body["data"]["user"][0];
    let count = |name: &str| me[name].as_u64().unwrap_or_else(|| panic!("{name}: {me}"));
    (count("followerCount"), count("followingCount"))
}

/// Sets a boolean of a user item directly (what an operator or another
/// surface would do: a ban, a lost verification).
pub async fn set_flag(env: &TestEnv, m: &Member, attribute: &str, value: bool) {
    set_attribute(env, m, attribute, AttributeValue::Bool(value)).await
}

/// Sets an attribute of a user item directly.
pub async fn set_attribute(env: &TestEnv, m: &Member, attribute: &str, value: AttributeValue) {
    env.state
        .store
        .client()
        .update_item()
        .table_name(env.state.store.table())
        .set_key(Some(table::item::key(
            table::keys::user(&m.user.id),
            table::keys::USER_SK,
        )))
        .update_expression("SET #a = :v")
        .expression_attribute_names("#a", attribute)
        .expression_attribute_values(":v", value)
        .send()
        .await
        .unwrap();
}

pub fn ok(r: &Reply) {
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body, json!({"ok": 1}));
}

pub fn refused(r: &Reply, status: StatusCode, code: &str) {
    assert_eq!(r.status, status, "{:?}", r.body);
    assert_eq!(r.body["ok"], 0, "{:?}", r.body);
    assert_eq!(r.body["code"], code, "{:?}", r.body);
}

#[tokio::test]
async fn following_a_public_user_is_approved_listed_counted_and_idempotent() {
    let env = env().await;
    let (a, b) = (member(&env).await, member(&env).await);
    ok(&follow(&env, &a, &b).await);
    ok(&follow(&env, &a, &b).await);
    assert_eq!(counts(&env, &a).await, (0, 1));
    assert_eq!(counts(&env, &b).await, (1, 0));

    let followers = records(&env, &b, "/user/followers").await;
    assert_eq!(followers.len(), 1);
    let entry = &followers[0];
    assert_eq!(entry["approved"], true);
    assert_eq!(entry["source"]["_id"], a.id());
    assert_eq!(entry["source"]["followingCount"], 1);
    assert!(entry["target"].is_null());
    let id = entry["_id"].as_str().unwrap();
    assert_eq!(id.len(), 24);

    let following = records(&env, &a, "/user/following").await;
    assert_eq!(following.len(), 1);
    assert_eq!(following[0]["_id"], id);
    assert_eq!(following[0]["target"]["_id"], b.id());
    assert_eq!(following[0]["target"]["followerCount"], 1);
    assert!(following[0]["source"].is_null());

    // Anyone reads a public user's lists.
    let c = member(&env).await;
    let theirs = records(&env, &c, &format!("/user/{}/followers", b.id())).await;
    assert_eq!(theirs[0]["_id"], id);
    let theirs = records(&env, &c, &format!("/user/{}/following", a.id())).await;
    assert_eq!(theirs[0]["target"]["_id"], b.id());
    // The profile shows the counters.
    let me = send(&env, &b, Method::GET, "/user/me", None).await;
    assert_eq!(me.body["data"]["user"][0]["followerCount"], 1);

    ok(&unfollow(&env, &a, &b).await);
    ok(&unfollow(&env, &a, &b).await);
    assert_eq!(counts(&env, &a).await, (0, 0));
    assert_eq!(counts(&env, &b).await, (0, 0));
    assert!(records(&env, &b, "/user/followers").await.is_empty());
}

#[tokio::test]
async fn a_private_user_gets_requests_accepts_them_and_hides_lists_from_strangers() {
    let env = env().await;
    let (a, p, stranger) = (
        member(&env).await,
        member_named(&env, "Pat", "Private", true).await,
        member(&env).await,
    );
    ok(&follow(&env, &a, &p).await);
    assert_eq!(counts(&env, &p).await, (0, 0));
    assert!(records(&env, &p, "/user/followers").await.is_empty());
    let requests = records(&env, &p, "/user/follow-requests").await;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["approved"], false);
    assert_eq!(requests[0]["source"]["_id"], a.id());
    let request = requests[0]["_id"].as_str().unwrap().to_owned();

    // Lists of a private user: 403 to strangers and to pending followers.
    for who in [&a, &stranger] {
        let r = send(
            &env,
            who,
            Method::GET,
            &format!("/user/{}/followers", p.id()),
            None,
        )
        .await;
        refused(&r, StatusCode::FORBIDDEN, "PrivateAccount");
    }
    // Only the followed user accepts; to others the request does not exist.
    let body = Some(json!({"request": request}));
    let r = send(
        &env,
        &a,
        Method::PATCH,
        "/user/follow-request",
        body.clone(),
    )
    .await;
    refused(&r, StatusCode::FORBIDDEN, "Forbidden");
    let r = send(
        &env,
        &stranger,
        Method::PATCH,
        "/user/follow-request",
        body.clone(),
    )
    .await;
    refused(&r, StatusCode::NOT_FOUND, "NotFound");
    ok(&send(
        &env,
        &p,
        Method::PATCH,
        "/user/follow-request",
        body.clone(),
    )
    .await);
    ok(&send(&env, &p, Method::PATCH, "/user/follow-request", body).await);

    assert_eq!(counts(&env, &p).await, (1, 0));
    assert_eq!(counts(&env, &a).await, (0, 1));
    assert!(records(&env, &p, "/user/follow-requests").await.is_empty());
    let followers = records(&env, &a, &format!("/user/{}/followers", p.id())).await;
    assert_eq!(followers[0]["_id"], request.as_str());
    assert_eq!(followers[0]["approved"], true);
}

#[tokio::test]
async fn turning_public_approves_pending_requests() {
    let env = env().await;
    let p = member_named(&env, "Pat", "Private", true).await;
    let (a, b) = (member(&env).await, member(&env).await);
    ok(&follow(&env, &a, &p).await);
    ok(&follow(&env, &b, &p).await);
    ok(&send(
        &env,
        &p,
        Method::POST,
        "/user/private",
        Some(json!({"state": false})),
    )
    .await);
    assert_eq!(counts(&env, &p).await, (2, 0));
    assert_eq!(records(&env, &p, "/user/followers").await.len(), 2);
    assert!(records(&env, &p, "/user/follow-requests").await.is_empty());
    assert_eq!(records(&env, &a, "/user/following").await.len(), 1);
}

#[tokio::test]
async fn either_side_deletes_an_entry_and_nobody_else_can() {
    let env = env().await;
    let (a, b, c) = (member(&env).await, member(&env).await, member(&env).await);
    ok(&follow(&env, &a, &b).await);
    ok(&follow(&env, &c, &b).await);
    let entries = records(&env, &b, "/user/followers").await;
    let id_of = |who: &Member| {
        entries
            .iter()
            .find(|e| e["source"]["_id"] == who.id())
            .unwrap()["_id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (ab, cb) = (id_of(&a), id_of(&c));
    // A third party: as if the entry did not exist; nothing changes.
    let before = env.snapshot().await;
    let r = send(
        &env,
        &c,
        Method::DELETE,
        "/user/follow-entry",
        Some(json!({"entry": ab})),
    )
    .await;
    refused(&r, StatusCode::NOT_FOUND, "NotFound");
    assert_eq!(env.snapshot().await, before);
    // The followed user removes a follower; the follower stops following.
    ok(&send(
        &env,
        &b,
        Method::DELETE,
        "/user/follow-entry",
        Some(json!({"entry": ab})),
    )
    .await);
    ok(&send(
        &env,
        &c,
        Method::DELETE,
        "/user/follow-entry",
        Some(json!([{"entry": cb}])),
    )
    .await);
    assert_eq!(counts(&env, &b).await, (0, 0));
    assert_eq!(counts(&env, &a).await, (0, 0));
    let r = send(
        &env,
        &b,
        Method::DELETE,
        "/user/follow-entry",
        Some(json!({"entry": ab})),
    )
    .await;
    refused(&r, StatusCode::NOT_FOUND, "NotFound");
    // A declined request (deleted by the private user) leaves no trace.
    let p = member_named(&env, "Pat", "Private", true).await;
    ok(&follow(&env, &a, &p).await);
    let req = records(&env, &p, "/user/follow-requests").await[0]["_id"].clone();
    ok(&send(
        &env,
        &p,
        Method::DELETE,
        "/user/follow-entry",
        Some(json!({"entry": req})),
    )
    .await);
    assert!(records(&env, &p, "/user/follow-requests").await.is_empty());
}

#[tokio::test]
async fn blocks_remove_entries_refuse_follows_and_hide_both_ways() {
    let env = env().await;
    let (a, b) = (member(&env).await, member(&env).await);
    ok(&follow(&env, &a, &b).await);
    ok(&follow(&env, &b, &a).await);
    ok(&block(&env, &a, &b).await);
    ok(&block(&env, &a, &b).await);
    assert_eq!(counts(&env, &a).await, (0, 0));
    assert_eq!(counts(&env, &b).await, (0, 0));
    // No follow in either direction, and nothing written by the refusals.
    let before = env.snapshot().await;
    refused(
        &follow(&env, &a, &b).await,
        StatusCode::FORBIDDEN,
        "Blocked",
    );
    refused(
        &follow(&env, &b, &a).await,
        StatusCode::NOT_FOUND,
        "NotFound",
    );
    assert_eq!(env.snapshot().await, before);
    // Hidden from each other: profile and lists are 404.
    for (who, other) in [(&a, &b), (&b, &a)] {
        for uri in [
            format!("/user/{}", other.id()),
            format!("/user/{}/followers", other.id()),
            format!("/user/{}/following", other.id()),
        ] {
            let r = send(&env, who, Method::GET, &uri, None).await;
            refused(&r, StatusCode::NOT_FOUND, "NotFound");
        }
    }
    // Unblock lifts only the block.
    ok(&send(
        &env,
        &a,
        Method::POST,
        "/user/unblock",
        Some(json!({"target": b.id()})),
    )
    .await);
    assert!(records(&env, &a, "/user/following").await.is_empty());
    ok(&follow(&env, &b, &a).await);
    assert_eq!(counts(&env, &a).await, (1, 0));
}

#[tokio::test]
async fn bad_input_names_the_field_and_writes_nothing() {
    let env = env().await;
    let a = member(&env).await;
    let before = env.snapshot().await;
    let missing = UserId::generate();
    let cases: Vec<(Method, String, Option<Value>, StatusCode, &str)> = vec![
        (
            Method::POST,
            "/user/follow".into(),
            Some(json!({})),
            StatusCode::BAD_REQUEST,
            "target",
        ),
        (
            Method::POST,
            "/user/follow".into(),
            Some(json!({"target": "nope"})),
            StatusCode::BAD_REQUEST,
            "target",
        ),
        (
            Method::POST,
            "/user/follow".into(),
            Some(json!({"target": a.id()})),
            StatusCode::BAD_REQUEST,
            "target",
        ),
        (
            Method::POST,
            "/user/follow".into(),
            Some(json!({"target": missing.as_str()})),
            StatusCode::NOT_FOUND,
            "target",
        ),
        (
            Method::POST,
            "/user/unfollow".into(),
            Some(json!({"target": 5})),
            StatusCode::BAD_REQUEST,
            "target",
        ),
        (
            Method::POST,
            "/user/block".into(),
            Some(json!({"target": a.id()})),
            StatusCode::BAD_REQUEST,
            "target",
        ),
        (
            Method::POST,
            "/user/block".into(),
            Some(json!({"target": missing.as_str()})),
            StatusCode::NOT_FOUND,
            "target",
        ),
        (
            Method::POST,
            "/user/unblock".into(),
            Some(json!({})),
            StatusCode::BAD_REQUEST,
            "target",
        ),
        (
            Method::PATCH,
            "/user/follow-request".into(),
            Some(json!({"request": "x"})),
            StatusCode::BAD_REQUEST,
            "request",
        ),
        (
            Method::PATCH,
            "/user/follow-request".into(),
            Some(json!({"request": missing.as_str()})),
            StatusCode::NOT_FOUND,
            "request",
        ),
        (
            Method::DELETE,
            "/user/follow-entry".into(),
            Some(json!({})),
            StatusCode::BAD_REQUEST,
            "entry",
        ),
        (
            Method::DELETE,
            "/user/follow-entry".into(),
            Some(json!({"entry": 7})),
            StatusCode::BAD_REQUEST,
            "entry",
        ),
        (
            Method::GET,
            "/user/followers?limit=0".into(),
            None,
            StatusCode::BAD_REQUEST,
            "limit",
        ),
        (
            Method::GET,
            "/user/following?limit=101".into(),
            None,
            StatusCode::BAD_REQUEST,
            "limit",
        ),
        (
            Method::GET,
            "/user/followers?offset=zz".into(),
            None,
            StatusCode::BAD_REQUEST,
            "offset",
        ),
        (
            Method::GET,
            "/user/nope/followers".into(),
            None,
            StatusCode::BAD_REQUEST,
            "userId",
        ),
        (
            Method::GET,
            format!("/user/{missing}/following"),
            None,
            StatusCode::NOT_FOUND,
            "userId",
        ),
        (
            Method::POST,
            "/user/search".into(),
            Some(json!({"query": "  "})),
            StatusCode::BAD_REQUEST,
            "query",
        ),
        (
            Method::POST,
            "/user/search".into(),
            Some(json!({})),
            StatusCode::BAD_REQUEST,
            "query",
        ),
    ];
    for (method, uri, body, status, field) in cases {
        let r = send(&env, &a, method.clone(), &uri, body.clone()).await;
        assert_eq!(r.status, status, "{method} {uri} {body:?}: {:?}", r.body);
        assert_eq!(
            r.body["field"], field,
            "{method} {uri} {body:?}: {:?}",
            r.body
        );
    }
    assert_eq!(env.snapshot().await, before);
}

#[tokio::test]
async fn every_social_route_needs_a_token_with_its_scope() {
    let env = env().await;
    let a = member(&env).await;
    let routes: [(Method, &str, &str); 13] = [
        (Method::GET, "/user/invite-codes", SOCIAL_INVITE_CODE_READ),
        (Method::POST, "/user/search", PROFILE_SEARCH),
        (Method::POST, "/user/block", SOCIAL_BLOCK_WRITE),
        (Method::POST, "/user/unblock", SOCIAL_BLOCK_WRITE),
        (Method::POST, "/user/follow", SOCIAL_FOLLOW_WRITE),
        (Method::POST, "/user/unfollow", SOCIAL_FOLLOW_WRITE),
        (Method::GET, "/user/followers", SOCIAL_FOLLOW_READ),
        (Method::GET, "/user/following", SOCIAL_FOLLOW_READ),
        (Method::GET, "/user/follow-requests", SOCIAL_FOLLOW_READ),
        (Method::PATCH, "/user/follow-request", SOCIAL_FOLLOW_WRITE),
        (Method::DELETE, "/user/follow-entry", SOCIAL_FOLLOW_WRITE),
        (
            Method::GET,
            "/user/507f1f77bcf86cd799439011/followers",
            SOCIAL_FOLLOW_READ,
        ),
        (
            Method::GET,
            "/user/507f1f77bcf86cd799439011/following",
            SOCIAL_FOLLOW_READ,
        ),
    ];
    let body = json!({"target": UserId::generate().as_str(), "query": "jo",
        "request": "507f1f77bcf86cd799439011", "entry": "507f1f77bcf86cd799439011"});
    for (method, uri, scope) in routes {
        let others: Vec<&str> = SOCIAL.iter().copied().filter(|s| *s != scope).collect();
        let without = identity::jwt::mint_for_user(&env.state.access_tokens, &a.user, &others)
            .await
            .unwrap();
        let lacking = Member {
            user: a.user.clone(),
            token: without,
        };
        let r = send(&env, &lacking, method.clone(), uri, Some(body.clone())).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{method} {uri}: {:?}",
            r.body
        );
        let anonymous = Member {
            user: a.user.clone(),
            token: "junk".into(),
        };
        let r = send(&env, &anonymous, method.clone(), uri, Some(body.clone())).await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "{method} {uri}: {:?}",
            r.body
        );
    }
}

/// The social events (`events/users/`): user a (`65f…001`) private with a
/// token of every social scope (`{{USERS_SOCIAL_TOKEN}}`), and the follow
/// requests of users c and d to a (`{{USERS_FOLLOW_REQUEST}}` to accept,
/// `{{USERS_FOLLOW_ENTRY}}` to delete; c is `{{USERS_BLOCK_ID}}`). Needs
/// the Users events' users.
pub async fn seed_events(env: &TestEnv) -> Vec<(&'static str, String)> {
    let mut members = Vec::new();
    for i in [1, 3, 4] {
        let id = UserId::parse(&format!("65f00000000000000000000{i}")).unwrap();
        let user = env.state.store.get_user(&id).await.unwrap().unwrap();
        let token = identity::jwt::mint_for_user(&env.state.access_tokens, &user, SOCIAL)
            .await
            .unwrap();
        members.push(Member { user, token });
    }
    let (a, c, d) = (&members[0], &members[1], &members[2]);
    ok(&send(
        env,
        a,
        Method::POST,
        "/user/private",
        Some(json!({"state": true})),
    )
    .await);
    ok(&follow(env, c, a).await);
    ok(&follow(env, d, a).await);
    let requests = records(env, a, "/user/follow-requests").await;
    let entry_of = |m: &Member| {
        requests
            .iter()
            .find(|r| r["source"]["_id"] == m.id())
            .and_then(|r| r["_id"].as_str())
            .unwrap()
            .to_owned()
    };
    vec![
        ("USERS_SOCIAL_TOKEN", a.token.clone()),
        ("USERS_FOLLOW_REQUEST", entry_of(c)),
        ("USERS_FOLLOW_ENTRY", entry_of(d)),
        ("USERS_BLOCK_ID", c.id().to_owned()),
    ]
}
