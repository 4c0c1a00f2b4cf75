//! Users API social half under concurrency: exact counters, a block racing
//! a follow, and keyset paging while new follows arrive.

use crate::users_social::{block, counts, env, follow, member, ok, records, unfollow, Member};
use futures::future::join_all;
use http::StatusCode;
use serde_json::Value;
use std::collections::HashSet;

#[tokio::test]
async fn ten_follows_and_four_unfollows_at_once_leave_exact_counts() {
    let env = env().await;
    let star = member(&env).await;
    let fans: Vec<Member> = join_all((0..10).map(|_| member(&env))).await;
    // Four of them follow first, then unfollow while six others follow.
    for fan in &fans[..4] {
        ok(&follow(&env, fan, &star).await);
    }
    assert_eq!(counts(&env, &star).await, (4, 0));
    let follows = fans[4..].iter().map(|f| follow(&env, f, &star));
    let unfollows = fans[..4].iter().map(|f| unfollow(&env, f, &star));
    let (a, b) = tokio::join!(join_all(follows), join_all(unfollows));
    for r in a.iter().chain(b.iter()) {
        ok(r);
    }
    assert_eq!(counts(&env, &star).await, (6, 0));
    // Then all ten at once (four new, six again: idempotent).
    let again = join_all(fans.iter().map(|f| follow(&env, f, &star))).await;
    again.iter().for_each(ok);
    assert_eq!(counts(&env, &star).await, (10, 0));
    for fan in &fans {
        assert_eq!(counts(&env, fan).await, (0, 1));
    }
    assert_eq!(
        records(&env, &star, "/user/followers?limit=100")
            .await
            .len(),
        10
    );
}

#[tokio::test]
async fn a_block_racing_a_follow_leaves_no_entry() {
    let env = env().await;
    for _ in 0..5 {
        let (a, b) = (member(&env).await, member(&env).await);
        let (f, bl) = tokio::join!(follow(&env, &b, &a), block(&env, &a, &b));
        ok(&bl);
        // The follow either landed first (and the block removed it) or was
        // refused by the block (404: b is blocked by a).
        assert!(
            f.status == StatusCode::OK || f.status == StatusCode::NOT_FOUND,
            "{:?}",
            f.body
        );
        assert!(records(&env, &a, "/user/followers").await.is_empty());
        assert!(records(&env, &b, "/user/following").await.is_empty());
        assert_eq!(counts(&env, &a).await, (0, 0));
        assert_eq!(counts(&env, &b).await, (0, 0));
        let entries = env
            .items()
            .await
            .into_iter()
            .filter(|i| {
                i.get("sk")
                    .and_then(|v| v.as_s().ok())
                    .is_some_and(|s| s.starts_with("FOLLOW"))
            })
            .count();
        assert_eq!(entries, 0);
    }
}

#[tokio::test]
async fn paging_45_followers_by_20_while_follows_arrive_returns_each_once() {
    let env = env().await;
    let star = member(&env).await;
    let fans: Vec<Member> = join_all((0..45).map(|_| member(&env))).await;
    for fan in &fans {
        ok(&follow(&env, fan, &star).await);
    }
    let late: Vec<Member> = join_all((0..6).map(|_| member(&env))).await;
    let mut seen: Vec<String> = Vec::new();
    let mut offset: Option<String> = None;
    let mut pages = 0;
    loop {
        let uri = match &offset {
            Some(o) => format!("/user/followers?limit=20&offset={o}"),
            None => "/user/followers?limit=20".to_owned(),
        };
        // New followers arrive between pages.
        let newcomers = late.iter().skip(pages * 2).take(2);
        join_all(newcomers.map(|m| follow(&env, m, &star))).await;
        let page = records(&env, &star, &uri).await;
        pages += 1;
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 20);
        seen.extend(
            page.iter()
                .map(|r| r["source"]["_id"].as_str().unwrap().to_owned()),
        );
        offset = page.last().map(|r| r["_id"].as_str().unwrap().to_owned());
        assert!(pages < 10);
    }
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "a follower repeated");
    for fan in &fans {
        assert!(
            unique.contains(&fan.id().to_owned()),
            "a follower was skipped"
        );
    }
    // Newest first: ids descend.
    let ids: Vec<Value> = records(&env, &star, "/user/followers?limit=100").await;
    let ids: Vec<&str> = ids.iter().map(|r| r["_id"].as_str().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]));
    assert_eq!(counts(&env, &star).await.0, 51);
}
