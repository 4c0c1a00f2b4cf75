//! Accounts API v1 against the emulator: every endpoint's success path,
//! documented errors and bad inputs (with nothing written), tokens of other
//! users, expired and revoked tokens, and the username race.

use domain::{Role, UserId};
use http::{Method, StatusCode};
use platform_tests::{unique_name, Reply, TestEnv};
use serde_json::{json, Value};
use table::TokenRecord;

async fn env() -> TestEnv {
    TestEnv::new(accounts::app).await
}

pub(crate) struct Account {
    pub(crate) id: String,
    pub(crate) token: String,
    pub(crate) username: String,
}

pub(crate) async fn create(env: &TestEnv, username: &str) -> Account {
    let r = env
        .post(
            "/api/v1/accounts/",
            json!({
                "username": username, "password": "s3cret-pass", "firstName": "Max",
                "lastName": "Platz", "email": format!("{username}@innopolis.ru"), "studyGroup": "BS3#4"
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    Account {
        id: r.body["result"]["id"].as_str().unwrap().to_owned(),
        token: r.body["result"]["token"].as_str().unwrap().to_owned(),
        username: username.to_owned(),
    }
}

pub(crate) async fn with_role(env: &TestEnv, role: Role) -> Account {
    let account = create(env, &unique_name("u")).await;
    if role != Role::Ghost {
        let id = UserId::parse(&account.id).unwrap();
        env.state.store.set_role(&id, role, None).await.unwrap();
    }
    account
}

pub(crate) fn assert_error(r: &Reply, status: StatusCode, code: &str) {
    assert_eq!(r.status, status, "{:?}", r.body);
    assert_eq!(r.body["status"], "error", "{:?}", r.body);
    assert_eq!(r.body["error"]["code"], code, "{:?}", r.body);
}

#[tokio::test]
async fn create_then_get_returns_every_documented_field() {
    let env = env().await;
    let name = unique_name("Max");
    let r = env
        .post(
            "/api/v1/accounts/",
            json!({"username": name, "password": "s3cret-pass", "firstName": "Андрей",
                   "lastName": "Platz-Ivanov", "email": "max@innopolis.ru"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.body["status"], "ok");
    let result = &r.body["result"];
    let keys: Vec<&str> = result
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for k in ["id", "token", "username", "firstName", "lastName", "role"] {
        assert!(keys.contains(&k), "missing {k}");
    }
    assert_eq!(result["role"], "ghost");
    assert_eq!(result["firstName"], "Андрей");
    let token = result["token"].as_str().unwrap();
    assert_eq!(token.len(), 32);
    assert!(token.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(result["id"].as_str().unwrap().len(), 24);

    let me = env.get(&format!("/api/v1/accounts/{token}")).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(
        me.body["result"],
        json!({"firstName": "Андрей", "lastName": "Platz-Ivanov", "patronymic": null, "role": "ghost",
               "studyGroup": null, "tgId": null, "username": name, "id": result["id"], "email": "max@innopolis.ru"})
    );
    // Only hashes of tokens are stored.
    assert!(!format!("{:?}", env.items().await).contains(token));
}

#[tokio::test]
async fn create_accepts_the_trailing_slash_less_path_and_form_bodies() {
    let env = env().await;
    let name = unique_name("f");
    let req = http::Request::builder()
        .method(Method::POST)
        .uri("/api/v1/accounts")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(format!(
            "username={name}&password=longenough&firstName=Jean%20Luc&lastName=Picard&email={name}%40x.org"
        )))
        .unwrap();
    let r = env.send(req).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["result"]["firstName"], "Jean Luc");
}

#[tokio::test]
async fn create_refuses_bad_input_and_writes_nothing() {
    let env = env().await;
    create(&env, "seed_user").await;
    let before = env.snapshot().await;
    let good = json!({"username": "newbie", "password": "s3cret-pass", "firstName": "Max",
                      "lastName": "Platz", "email": "newbie@innopolis.ru", "studyGroup": "BS3#4"});
    let cases: Vec<(&str, Value)> = vec![
        ("username", json!(null)),
        ("username", json!("ab")),
        ("username", json!("abcdefghijklmnopq")),
        ("username", json!("max!")),
        ("username", json!("мах")),
        ("username", json!(5)),
        ("password", json!(null)),
        ("password", json!("short7!")),
        ("password", json!("x".repeat(65))),
        ("firstName", json!(null)),
        ("firstName", json!("")),
        ("firstName", json!("R2D2")),
        ("firstName", json!("a".repeat(36))),
        ("lastName", json!("O'Neil")),
        ("email", json!(null)),
        ("email", json!("a@b.c")),
        ("email", json!("not-an-email")),
        ("email", json!(format!("{}@example.com", "a".repeat(250)))),
        ("studyGroup", json!("BS")),
        ("studyGroup", json!("BS 3")),
        ("studyGroup", json!(["BS3"])),
    ];
    for (field, value) in cases {
        let mut body = good.clone();
        if value.is_null() {
            body.as_object_mut().unwrap().remove(field);
        } else {
            body[field] = value.clone();
        }
        let r = env.post("/api/v1/accounts/", body).await;
        assert_error(&r, StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(
            r.error_field(),
            Some(field),
            "{field} = {value}: {:?}",
            r.body
        );
    }
    for raw in ["{", "[1,2]", "\"x\"", "[{\"username\":1},{}]"] {
        let req = http::Request::builder()
            .method(Method::POST)
            .uri("/api/v1/accounts/")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(raw))
            .unwrap();
        assert_error(
            &env.send(req).await,
            StatusCode::BAD_REQUEST,
            "invalid_input",
        );
    }
    assert_eq!(
        env.snapshot().await,
        before,
        "a refused create wrote something"
    );
}

#[tokio::test]
async fn usernames_are_unique_case_insensitively_addresses_are_not_claimed() {
    let env = env().await;
    create(&env, "Taken_Name").await;
    let before = env.snapshot().await;
    let r = env
        .post(
            "/api/v1/accounts/",
            json!({"username": "taken_NAME", "password": "s3cret-pass", "firstName": "A",
                   "lastName": "B", "email": "other@innopolis.ru"}),
        )
        .await;
    assert_error(&r, StatusCode::CONFLICT, "username_taken");
    assert_eq!(r.error_field(), Some("username"));
    // Only the integer-id counter moved; no user, sentinel or token was added.
    let after = env.snapshot().await;
    assert_eq!(after.len(), before.len());
    let changed: Vec<_> = after.iter().filter(|row| !before.contains(row)).collect();
    assert!(
        changed.iter().all(|row| row.contains("COUNTER#")),
        "{changed:?}"
    );
    // An address is an unverified claim here: a second account may name
    // it, and nobody learns that the first did (issue 18, gate_addresses.rs).
    let r = env
        .post(
            "/api/v1/accounts/",
            json!({"username": "fresh", "password": "s3cret-pass", "firstName": "A",
                   "lastName": "B", "email": "TAKEN_NAME@Innopolis.ru"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
}

#[tokio::test]
async fn ten_concurrent_creates_of_one_username_leave_exactly_one_account() {
    let env = env().await;
    let name = unique_name("race");
    let attempts = (0..10).map(|i| {
        env.post(
            "/api/v1/accounts/",
            json!({"username": if i % 2 == 0 { name.clone() } else { name.to_uppercase() },
                   "password": "s3cret-pass", "firstName": "A", "lastName": "B",
                   "email": format!("racer{i}@innopolis.ru")}),
        )
    });
    let replies = futures::future::join_all(attempts).await;
    let created = replies
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    let taken = replies
        .iter()
        .filter(|r| r.status == StatusCode::CONFLICT)
        .count();
    assert_eq!(
        (created, taken),
        (1, 9),
        "{:?}",
        replies.iter().map(|r| &r.body).collect::<Vec<_>>()
    );
    let users = env
        .items()
        .await
        .into_iter()
        .filter(|i| i.get("sk").and_then(|v| v.as_s().ok()).map(String::as_str) == Some("PROFILE"))
        .count();
    assert_eq!(users, 1);
}

#[tokio::test]
async fn auth_issues_a_new_token_and_refuses_bad_credentials_alike() {
    let env = env().await;
    let a = create(&env, &unique_name("Auth")).await;
    let r = env
        .post(
            "/api/v1/accounts/auth",
            json!({"username": a.username.to_lowercase(), "password": "s3cret-pass"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let result = &r.body["result"];
    for k in ["id", "token", "firstName", "lastName", "role", "username"] {
        assert!(result.get(k).is_some(), "missing {k}");
    }
    assert_eq!(result["id"], a.id.as_str());
    assert_ne!(result["token"], a.token.as_str());
    // Both tokens work.
    for t in [a.token.as_str(), result["token"].as_str().unwrap()] {
        assert_eq!(
            env.get(&format!("/api/v1/accounts/{t}")).await.status,
            StatusCode::OK
        );
    }
    let wrong = env
        .post(
            "/api/v1/accounts/auth",
            json!({"username": a.username, "password": "wrong-pass"}),
        )
        .await;
    let unknown = env
        .post(
            "/api/v1/accounts/auth",
            json!({"username": "nobody_here", "password": "wrong-pass"}),
        )
        .await;
    let junk = env
        .post(
            "/api/v1/accounts/auth",
            json!({"username": "no body!", "password": "wrong-pass"}),
        )
        .await;
    assert_error(&wrong, StatusCode::UNAUTHORIZED, "invalid_credentials");
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(wrong.body, junk.body);
    let missing = env
        .post("/api/v1/accounts/auth", json!({"username": a.username}))
        .await;
    assert_error(&missing, StatusCode::BAD_REQUEST, "invalid_input");
    assert_eq!(missing.error_field(), Some("password"));
}

#[tokio::test]
async fn repeated_failures_lock_the_account_with_the_same_answer_until_it_expires() {
    let env = env().await;
    let a = create(&env, &unique_name("lock")).await;
    let bad = json!({"username": a.username, "password": "wrong-pass"});
    let good = json!({"username": a.username, "password": "s3cret-pass"});
    let mut wrong_body = Value::Null;
    for _ in 0..5 {
        wrong_body = env.post("/api/v1/accounts/auth", bad.clone()).await.body;
    }
    // Locked now: the right password gets exactly the wrong-password answer.
    let locked = env.post("/api/v1/accounts/auth", good.clone()).await;
    assert_eq!(locked.status, StatusCode::UNAUTHORIZED);
    assert_eq!(locked.body, wrong_body);
    // The fifth failure locks for one second.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let r = env.post("/api/v1/accounts/auth", good).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let user = env
        .state
        .store
        .get_user(&UserId::parse(&a.id).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.failed_logins, 0);
    assert!(user.locked_until.is_none());
    assert!(user.last_login.is_some());
}

#[tokio::test]
async fn bad_unknown_expired_and_revoked_tokens_are_401() {
    let env = env().await;
    let a = create(&env, &unique_name("tok")).await;
    for t in [
        "short",
        "cQY85mgmSxZl9G3t1B5ZpbsmWWj0bMxb",
        "cQY85mgmSxZl9G3t1B5ZpbsmWWj0bMx!",
        "auth%20x",
    ] {
        let r = env.get(&format!("/api/v1/accounts/{t}")).await;
        assert_error(&r, StatusCode::UNAUTHORIZED, "invalid_token");
    }
    // Expired: a token whose expiry passed (TTL deletes late; code checks).
    let expired = domain::OpaqueToken::generate();
    let id = UserId::parse(&a.id).unwrap();
    let now = domain::time::now_ms();
    let record = TokenRecord {
        kind: "account".into(),
        user_id: id.clone(),
        issued_at: now - 10_000,
        expires_at: now / 1000 - 1,
        amr: Vec::new(),
    };
    env.state
        .store
        .put_token(&expired.hash(), &record)
        .await
        .unwrap();
    let r = env
        .get(&format!(
            "/api/v1/accounts/{}/getPreferences",
            expired.expose()
        ))
        .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "invalid_token");
    // A token of another kind (say a future session token) is not an account token.
    let other = domain::OpaqueToken::generate();
    let record = TokenRecord {
        kind: "session".into(),
        user_id: id.clone(),
        issued_at: now,
        expires_at: now / 1000 + 600,
        amr: Vec::new(),
    };
    env.state
        .store
        .put_token(&other.hash(), &record)
        .await
        .unwrap();
    assert_error(
        &env.get(&format!("/api/v1/accounts/{}", other.expose()))
            .await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    );
    // Revoked: moving the user's stamp voids every token issued before it.
    env.state
        .store
        .client()
        .update_item()
        .table_name(env.state.store.table())
        .key(
            "pk",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("USER#{}", a.id)),
        )
        .key(
            "sk",
            aws_sdk_dynamodb::types::AttributeValue::S("PROFILE".into()),
        )
        .update_expression("SET tokens_valid_after = :t")
        .expression_attribute_values(
            ":t",
            aws_sdk_dynamodb::types::AttributeValue::N((now + 5000).to_string()),
        )
        .send()
        .await
        .unwrap();
    for path in ["", "/getPreferences", "/exists?username=x"] {
        let r = env
            .get(&format!("/api/v1/accounts/{}{path}", a.token))
            .await;
        assert_error(&r, StatusCode::UNAUTHORIZED, "invalid_token");
    }
    let r = env
        .put(
            &format!("/api/v1/accounts/{}/updatePreferences", a.token),
            json!({"preferences": "{}"}),
        )
        .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "invalid_token");
}

#[tokio::test]
async fn exists_by_id_xor_username() {
    let env = env().await;
    let a = create(&env, &unique_name("Ex")).await;
    let base = format!("/api/v1/accounts/{}/exists", a.token);
    let yes = env.get(&format!("{base}?id={}", a.id)).await;
    assert_eq!(yes.body, json!({"result": true, "status": "ok"}));
    let upper = env
        .get(&format!("{base}?username={}", a.username.to_uppercase()))
        .await;
    assert_eq!(upper.body["result"], true);
    assert_eq!(
        env.get(&format!("{base}?id=575b3581aa87dd1cd0e137ab"))
            .await
            .body["result"],
        false
    );
    assert_eq!(
        env.get(&format!("{base}?username=nobody_at_all"))
            .await
            .body["result"],
        false
    );
    for (query, field) in [
        ("", "id"),
        (&*format!("?id={}&username=x", a.id), "id"),
        ("?id=nothex", "id"),
        ("?username=bad!", "username"),
    ] {
        let r = env.get(&format!("{base}{query}")).await;
        assert_error(&r, StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(r.error_field(), Some(field), "{query}");
    }
}

#[tokio::test]
async fn update_role_is_for_moderators_and_only_to_ghost_or_student() {
    let env = env().await;
    let moderator = with_role(&env, Role::Moderator).await;
    let ghost = with_role(&env, Role::Ghost).await;
    let other_moderator = with_role(&env, Role::Moderator).await;
    let url = |t: &str| format!("/api/v1/accounts/{t}/updateRole");

    let r = env
        .put(
            &url(&moderator.token),
            json!({"accountId": ghost.id, "newRole": "student"}),
        )
        .await;
    assert_eq!(r.body, json!({"status": "ok"}));
    let me = env.get(&format!("/api/v1/accounts/{}", ghost.token)).await;
    assert_eq!(me.body["result"]["role"], "student");

    let before = env.snapshot().await;
    let refused = [
        (
            env.put(
                &url(&ghost.token),
                json!({"accountId": moderator.id, "newRole": "ghost"}),
            )
            .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            env.put(
                &url(&moderator.token),
                json!({"accountId": other_moderator.id, "newRole": "ghost"}),
            )
            .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            env.put(
                &url(&moderator.token),
                json!({"accountId": "575b3581aa87dd1cd0e137ab", "newRole": "ghost"}),
            )
            .await,
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            env.put(
                &url(&moderator.token),
                json!({"accountId": ghost.id, "newRole": "moderator"}),
            )
            .await,
            StatusCode::BAD_REQUEST,
            "invalid_input",
        ),
        (
            env.put(
                &url(&moderator.token),
                json!({"accountId": ghost.id, "newRole": "admin"}),
            )
            .await,
            StatusCode::BAD_REQUEST,
            "invalid_input",
        ),
        (
            env.put(
                &url(&moderator.token),
                json!({"accountId": "xyz", "newRole": "ghost"}),
            )
            .await,
            StatusCode::BAD_REQUEST,
            "invalid_input",
        ),
        (
            env.put(&url(&moderator.token), json!({"newRole": "ghost"}))
                .await,
            StatusCode::BAD_REQUEST,
            "invalid_input",
        ),
        (
            env.put(&url(&moderator.token), json!({"accountId": ghost.id}))
                .await,
            StatusCode::BAD_REQUEST,
            "invalid_input",
        ),
        (
            env.put(
                &url("cQY85mgmSxZl9G3t1B5ZpbsmWWj0bMxb"),
                json!({"accountId": ghost.id, "newRole": "ghost"}),
            )
            .await,
            StatusCode::UNAUTHORIZED,
            "invalid_token",
        ),
    ];
    for (r, status, code) in &refused {
        assert_error(r, *status, code);
    }
    assert_eq!(
        env.snapshot().await,
        before,
        "a refused updateRole wrote something"
    );
}

#[tokio::test]
async fn list_accounts_pages_through_ghosts_and_students_for_moderators() {
    let env = env().await;
    let moderator = with_role(&env, Role::Moderator).await;
    let student = with_role(&env, Role::Student).await;
    let mut expected = vec![student.id.clone()];
    for _ in 0..4 {
        expected.push(with_role(&env, Role::Ghost).await.id);
    }
    let url = format!("/api/v1/accounts/{}/listAccounts", moderator.token);
    let all = env.get(&url).await;
    assert_eq!(all.status, StatusCode::OK);
    let ids: Vec<&str> = all.body["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 5);
    assert!(!ids.contains(&moderator.id.as_str()));
    let first = &all.body["result"][0];
    assert_eq!(first.as_object().unwrap().len(), 5, "{first}");
    for k in ["firstName", "id", "lastName", "role", "username"] {
        assert!(first.get(k).is_some());
    }
    assert!(all.headers.get("x-next-cursor").is_none());

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page_url = match &cursor {
            Some(c) => format!("{url}?limit=2&cursor={c}"),
            None => format!("{url}?limit=2"),
        };
        let page = env.get(&page_url).await;
        assert_eq!(page.status, StatusCode::OK, "{:?}", page.body);
        seen.extend(
            page.body["result"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["id"].as_str().unwrap().to_owned()),
        );
        cursor = page
            .headers
            .get("x-next-cursor")
            .map(|v| v.to_str().unwrap().to_owned());
        if cursor.is_none() {
            break;
        }
    }
    seen.sort();
    expected.sort();
    assert_eq!(seen, expected);

    for bad in ["?limit=0", "?limit=101", "?limit=x", "?cursor=garbage"] {
        assert_error(
            &env.get(&format!("{url}{bad}")).await,
            StatusCode::BAD_REQUEST,
            "invalid_input",
        );
    }
    let r = env
        .get(&format!("/api/v1/accounts/{}/listAccounts", student.token))
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn get_bio_for_students_and_moderators() {
    let env = env().await;
    let moderator = with_role(&env, Role::Moderator).await;
    let student = with_role(&env, Role::Student).await;
    let ghost = with_role(&env, Role::Ghost).await;
    for asker in [&moderator, &student] {
        let r = env
            .get(&format!(
                "/api/v1/accounts/{}/getBio?id={}",
                asker.token, ghost.id
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        assert_eq!(
            r.body["result"],
            json!({"firstName": "Max", "lastName": "Platz", "studyGroup": "BS3#4",
                   "username": ghost.username, "id": ghost.id, "role": "ghost"})
        );
    }
    let by_name = env
        .get(&format!(
            "/api/v1/accounts/{}/getBio?username={}",
            student.token, moderator.username
        ))
        .await;
    assert_eq!(by_name.body["result"]["role"], "moderator");
    let r = env
        .get(&format!(
            "/api/v1/accounts/{}/getBio?id={}",
            ghost.token, student.id
        ))
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    let r = env
        .get(&format!(
            "/api/v1/accounts/{}/getBio?id=575b3581aa87dd1cd0e137ab",
            student.token
        ))
        .await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_found");
    let r = env
        .get(&format!(
            "/api/v1/accounts/{}/getBio?id={}&username=x",
            student.token, ghost.id
        ))
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST, "invalid_input");
    let r = env
        .get(&format!("/api/v1/accounts/{}/getBio", student.token))
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST, "invalid_input");
}

#[tokio::test]
async fn preferences_round_trip_per_user() {
    let env = env().await;
    let a = create(&env, &unique_name("pa")).await;
    let b = create(&env, &unique_name("pb")).await;
    let get = |t: String| {
        let env = &env;
        async move {
            env.get(&format!("/api/v1/accounts/{t}/getPreferences"))
                .await
        }
    };
    assert_eq!(
        get(a.token.clone()).await.body,
        json!({"result": {}, "status": "ok"})
    );
    let theme = r##"{"theme":"dark","accent":"#ff0000","sizes":[1,2]}"##;
    let r = env
        .put(
            &format!("/api/v1/accounts/{}/updatePreferences", a.token),
            json!({"preferences": theme}),
        )
        .await;
    assert_eq!(r.body, json!({"status": "ok"}));
    assert_eq!(
        get(a.token.clone()).await.body["result"],
        serde_json::from_str::<Value>(theme).unwrap()
    );
    assert_eq!(get(b.token.clone()).await.body["result"], json!({}));
    let r = env
        .put(
            &format!("/api/v1/accounts/{}/updatePreferences", b.token),
            json!({"preferences": {"theme": "light"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        get(b.token.clone()).await.body["result"],
        json!({"theme": "light"})
    );

    let before = env.snapshot().await;
    for bad in [
        json!({}),
        json!({"preferences": "not json"}),
        json!({"preferences": "[1,2]"}),
        json!({"preferences": 5}),
        json!({"preferences": format!("{{\"x\":\"{}\"}}", "a".repeat(17_000))}),
    ] {
        let r = env
            .put(
                &format!("/api/v1/accounts/{}/updatePreferences", a.token),
                bad,
            )
            .await;
        assert_error(&r, StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(r.error_field(), Some("preferences"));
    }
    assert_eq!(env.snapshot().await, before);
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_in_the_envelope() {
    let env = env().await;
    assert_error(
        &env.get("/api/v1/nothing").await,
        StatusCode::NOT_FOUND,
        "no_route",
    );
    let r = env
        .call(
            Method::DELETE,
            "/api/v1/accounts/cQY85mgmSxZl9G3t1B5ZpbsmWWj0bMxb",
            None,
        )
        .await;
    assert_error(&r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
}
