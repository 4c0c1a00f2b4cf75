//! `POST /user/search`: prefix, case and accents, two-word names, ranking,
//! exclusions (banned, blocks both ways), the index kept by sign-up and
//! profile changes.

use crate::users_social::{
    block, env, follow, member_called, member_named, ok, send, set_flag, Member,
};
use http::{Method, StatusCode};
use platform_tests::{unique_name, TestEnv};
use serde_json::{json, Value};

async fn search(env: &TestEnv, who: &Member, query: &str) -> Vec<Value> {
    let r = send(
        env,
        who,
        Method::POST,
        "/user/search",
        Some(json!({ "query": query })),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body["data"]["results"].as_array().unwrap().clone()
}

fn ids(results: &[Value]) -> Vec<String> {
    results
        .iter()
        .map(|r| r["source"]["_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn prefix_case_and_accent_insensitive_with_exact_username_first() {
    let env = env().await;
    let tag = unique_name("");
    let me = member_named(&env, "Searcher", "Person", false).await;
    // Distinct names per test run: the table is fresh, but keep them unique anyway.
    let exact = member_called(&env, &format!("zoe{tag}"), "Other", "Name", false).await;
    let longer = member_called(&env, &format!("zoe{tag}_x"), "Other", "Name", false).await;
    let named = member_called(
        &env,
        &unique_name("u_"),
        &format!("Zoë{tag}"),
        "Ángel",
        false,
    )
    .await;
    let results = search(&env, &me, &format!("ZOE{tag}")).await;
    let found = ids(&results);
    assert_eq!(found[0], exact.id(), "exact username first: {found:?}");
    assert!(found.contains(&longer.id().to_owned()));
    assert!(
        found.contains(&named.id().to_owned()),
        "accents folded: {found:?}"
    );
    assert_eq!(found.len(), 3);
    // The document's result shape: `_id` / `approved` of the caller's own
    // entry (none yet), the user as `source`.
    assert!(results[0]["_id"].is_null());
    assert_eq!(results[0]["approved"], false);
    assert_eq!(results[0]["source"]["username"], format!("zoe{tag}"));
    assert!(
        results[0]["source"]["email"].is_null(),
        "contact details hidden"
    );

    // Two words: first and last name together.
    let two = search(&env, &me, &format!("zoe{tag} ang")).await;
    assert_eq!(ids(&two), vec![named.id().to_owned()]);
    assert!(search(&env, &me, &format!("zoe{tag} bob")).await.is_empty());

    // Following shows in the result.
    ok(&follow(&env, &me, &exact).await);
    let again = search(&env, &me, &format!("zoe{tag}")).await;
    assert_eq!(again[0]["approved"], true);
    assert_eq!(again[0]["_id"].as_str().unwrap().len(), 24);
}

#[tokio::test]
async fn at_most_twenty_results_and_no_banned_or_blocked_users() {
    let env = env().await;
    let tag = unique_name("");
    let me = member_named(&env, "Searcher", "Person", false).await;
    let mut many = Vec::new();
    for i in 0..22 {
        many.push(member_called(&env, &format!("q{tag}{i:02}"), "Many", "People", false).await);
    }
    assert_eq!(search(&env, &me, &format!("q{tag}")).await.len(), 20);

    let (blocked, blocker, banned) = (&many[0], &many[1], &many[2]);
    ok(&block(&env, &me, blocked).await);
    ok(&block(&env, blocker, &me).await);
    set_flag(&env, banned, "banned", true).await;
    let found = ids(&search(&env, &me, &format!("q{tag}")).await);
    assert_eq!(found.len(), 19);
    for hidden in [blocked, blocker, banned] {
        assert!(!found.contains(&hidden.id().to_owned()));
    }
    // The blocker does not find the caller either.
    let mine = search(&env, blocker, "searcher").await;
    assert!(!ids(&mine).contains(&me.id().to_owned()));
}

#[tokio::test]
async fn sign_up_and_profile_changes_keep_the_index_in_the_same_write() {
    let env = crate::users_support::env_with(|c| c.require_email_verification = false).await;
    let me = member_named(&env, "Searcher", "Person", false).await;
    let name = unique_name("indexed_");
    let r = env
        .post(
            "/user/create",
            json!({"username": name, "firstName": "Émile", "lastName": "Zola",
                   "email": format!("{name}@example.com"), "password": "$uper&ecurePassw0rd"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let found = search(&env, &me, &name).await;
    assert_eq!(found.len(), 1);
    let id = found[0]["source"]["_id"].as_str().unwrap().to_owned();
    assert_eq!(ids(&search(&env, &me, "emile zo").await), vec![id.clone()]);

    // The user renames themself: old terms go, new ones come, in one write.
    let user = env
        .state
        .store
        .get_user(&domain::UserId::parse(&id).unwrap())
        .await
        .unwrap()
        .unwrap();
    let token = identity::jwt::mint_for_user(
        &env.state.access_tokens,
        &user,
        &[domain::scopes::ADMIN_PROFILE_WRITE],
    )
    .await
    .unwrap();
    let renamed = unique_name("renamed_");
    let writer = Member { user, token };
    let r = send(
        &env,
        &writer,
        Method::PATCH,
        "/user/me",
        Some(json!({"username": renamed, "lastName": "Nana"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(search(&env, &me, &name).await.is_empty());
    assert!(search(&env, &me, "emile zo").await.is_empty());
    assert_eq!(ids(&search(&env, &me, &renamed).await), vec![id.clone()]);
    assert_eq!(ids(&search(&env, &me, "émile nan").await), vec![id.clone()]);
    let entries = env
        .items()
        .await
        .into_iter()
        .filter(|i| i.get("user_id").and_then(|v| v.as_s().ok()) == Some(&id))
        .filter(|i| {
            i.get("pk")
                .and_then(|v| v.as_s().ok())
                .is_some_and(|p| p.starts_with("SEARCH#"))
        })
        .count();
    assert_eq!(
        entries, 4,
        "username, first, last, full name: no stale entries"
    );
}
