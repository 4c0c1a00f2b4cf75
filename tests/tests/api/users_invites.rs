//! Invite codes: minted once per verified user, the document's shape,
//! single use at sign-up, invite-only sign-up.

use crate::users_social::{env, member, send, set_flag, Member};
use crate::users_support::{env_with, sign_up_body};
use futures::future::join_all;
use http::{Method, StatusCode};
use platform_tests::{unique_name, TestEnv};
use serde_json::{json, Value};
use std::collections::HashSet;

async fn codes(env: &TestEnv, m: &Member) -> Vec<Value> {
    let r = send(env, m, Method::GET, "/user/invite-codes", None).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body["data"]["inviteCodes"].as_array().unwrap().clone()
}

fn shaped(code: &str) -> bool {
    let parts: Vec<&str> = code.split('-').collect();
    parts.len() == 3
        && parts[0].len() == 2
        && parts[0].bytes().all(|b| b.is_ascii_uppercase())
        && parts[1].len() == 4
        && parts[2].len() == 13
        && parts[1..]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

#[tokio::test]
async fn five_codes_minted_once_even_under_concurrent_first_reads() {
    let env = env().await;
    let m = member(&env).await;
    let lists = join_all((0..10).map(|_| codes(&env, &m))).await;
    let first = &lists[0];
    assert_eq!(first.len(), 5);
    for list in &lists {
        assert_eq!(list, first, "every reader sees the one minted set");
    }
    for c in first {
        assert!(shaped(c["code"].as_str().unwrap()), "{c}");
        assert!(c["targetId"].is_null(), "unused: no targetId");
        assert_eq!(c["createdAt"], c["updatedAt"]);
    }
    let stored = env
        .items()
        .await
        .iter()
        .filter(|i| {
            i.get("sk")
                .and_then(|v| v.as_s().ok())
                .is_some_and(|s| s == "INVITE")
        })
        .count();
    assert_eq!(stored, 5);
    assert_eq!(codes(&env, &m).await, *first);
}

#[tokio::test]
async fn unverified_accounts_have_no_codes() {
    let env = env().await;
    let m = member(&env).await;
    set_flag(&env, &m, "email_verified", false).await;
    assert!(codes(&env, &m).await.is_empty());
}

#[tokio::test]
async fn one_code_raced_by_ten_sign_ups_creates_one_account() {
    let env = env_with(|c| {
        c.invite_only = true;
        c.require_email_verification = false;
    })
    .await;
    let m = member(&env).await;
    let code = codes(&env, &m).await[0]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let bodies: Vec<(String, Value)> = (0..10)
        .map(|_| {
            let name = unique_name("invited_");
            let mut body = sign_up_body(&name, &format!("{name}@example.com"));
            body["inviteCode"] = json!(code.to_lowercase());
            (name, body)
        })
        .collect();
    let replies = join_all(
        bodies
            .iter()
            .map(|(_, b)| env.post("/user/create", b.clone())),
    )
    .await;
    let winners: Vec<usize> = (0..10)
        .filter(|i| replies[*i].status == StatusCode::OK)
        .collect();
    assert_eq!(
        winners.len(),
        1,
        "{:?}",
        replies.iter().map(|r| &r.body).collect::<Vec<_>>()
    );
    for r in &replies {
        if r.status != StatusCode::OK {
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
            assert_eq!(r.body["code"], "InvalidInviteCode");
            assert_eq!(r.body["field"], "inviteCode");
        }
    }
    let winner = &bodies[winners[0]].0;
    let owner = env
        .state
        .store
        .email_owner(&format!("{winner}@example.com"))
        .await
        .unwrap()
        .expect("the winner's account");
    let used = codes(&env, &m).await;
    let used = used.iter().find(|c| c["code"] == code.as_str()).unwrap();
    assert_eq!(used["targetId"], owner.as_str());
    assert_ne!(used["updatedAt"], used["createdAt"]);
    let accounts: HashSet<String> = env
        .items()
        .await
        .iter()
        .filter_map(|i| i.get("pk").and_then(|v| v.as_s().ok()).cloned())
        .filter(|pk| pk.starts_with("EMAIL#invited_"))
        .collect();
    assert_eq!(accounts.len(), 1);
}

#[tokio::test]
async fn invite_only_sign_up_needs_a_valid_code_and_writes_nothing_without() {
    let env = env_with(|c| c.invite_only = true).await;
    let before = env.snapshot().await;
    for (code, field_code) in [
        (None, "InvalidInput"),
        (Some(json!("nope")), "InvalidInput"),
        (Some(json!(5)), "InvalidInput"),
        (Some(json!("GU-2526-1687389089010")), "InvalidInviteCode"),
    ] {
        let name = unique_name("invited_");
        let mut body = sign_up_body(&name, &format!("{name}@example.com"));
        if let Some(code) = code {
            body["inviteCode"] = code;
        }
        let r = env.post("/user/create", body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
        assert_eq!(r.body["code"], field_code, "{:?}", r.body);
        assert_eq!(r.body["field"], "inviteCode", "{:?}", r.body);
    }
    // An unknown code is found out by a read beside the integer-id counter
    // (two round trips): the counter moved, nothing else was written.
    let rows = |rows: Vec<String>| -> Vec<String> {
        rows.into_iter()
            .filter(|r| !r.contains("COUNTER#user_seq"))
            .collect()
    };
    assert_eq!(rows(env.snapshot().await), rows(before));
}

#[tokio::test]
async fn without_invite_only_a_code_is_optional_but_still_single_use() {
    let env = env_with(|c| c.require_email_verification = false).await;
    let m = member(&env).await;
    let name = unique_name("free_");
    let r = env
        .post(
            "/user/create",
            sign_up_body(&name, &format!("{name}@example.com")),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let code = codes(&env, &m).await[1]["code"].clone();
    for (i, expected) in [StatusCode::OK, StatusCode::BAD_REQUEST]
        .into_iter()
        .enumerate()
    {
        let name = unique_name(&format!("coded{i}_"));
        let mut body = sign_up_body(&name, &format!("{name}@example.com"));
        body["inviteCode"] = code.clone();
        assert_eq!(env.post("/user/create", body).await.status, expected);
    }
}
