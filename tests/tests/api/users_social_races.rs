//! Users API social half under concurrency: exact counters, a block racing
//! a follow, and keyset paging while new follows arrive.

use crate::users_social::{
    block, counts, env, follow, member, ok, records, send, set_attribute, unfollow, Member,
};
use futures::future::join_all;
use http::{Method, StatusCode};
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

/// A crowd following one account: every follow lands (the counter is
/// sharded, so they do not meet on one item) and the count is exact.
#[tokio::test]
async fn fifty_follows_of_one_account_at_once_all_land_and_count_exactly() {
    let env = env().await;
    let star = member(&env).await;
    let fans: Vec<Member> = join_all((0..50).map(|_| member(&env))).await;
    let replies = join_all(fans.iter().map(|f| follow(&env, f, &star))).await;
    replies.iter().for_each(ok);
    assert_eq!(counts(&env, &star).await, (50, 0));
    let followers = records(&env, &star, "/user/followers?limit=100").await;
    assert_eq!(followers.len(), 50);
    // The lists show the same exact count as the profile.
    let fan_view = records(&env, &fans[0], "/user/following").await;
    assert_eq!(fan_view[0]["target"]["followerCount"], 50);
    // Half unfollow at once.
    let gone = join_all(fans[..25].iter().map(|f| unfollow(&env, f, &star))).await;
    gone.iter().for_each(ok);
    assert_eq!(counts(&env, &star).await, (25, 0));
}

/// The account turns private while a crowd follows: each follow is an
/// approved entry (counted) or a request, never an approved entry the
/// privacy change did not see, and the count is the approved entries'.
#[tokio::test]
async fn turning_private_during_a_burst_of_follows_counts_only_approved() {
    let env = env().await;
    let star = member(&env).await;
    let fans: Vec<Member> = join_all((0..20).map(|_| member(&env))).await;
    let private = send(
        &env,
        &star,
        Method::POST,
        "/user/private",
        Some(serde_json::json!({"state": true})),
    );
    let (replies, p) = tokio::join!(
        join_all(fans.iter().map(|f| follow(&env, f, &star))),
        private
    );
    replies.iter().for_each(ok);
    ok(&p);
    let approved = records(&env, &star, "/user/followers?limit=100").await;
    let requests = records(&env, &star, "/user/follow-requests?limit=100").await;
    assert_eq!(approved.len() + requests.len(), 20);
    assert_eq!(counts(&env, &star).await.0, approved.len() as u64);
    // Every follow after the change is a request.
    let late = member(&env).await;
    ok(&follow(&env, &late, &star).await);
    assert_eq!(counts(&env, &star).await.0, approved.len() as u64);
}

/// A count stored on the user item before the shards existed still counts:
/// it is the base the shards add to.
#[tokio::test]
async fn a_count_from_before_the_shards_is_the_base() {
    let env = env().await;
    let (star, fan) = (member(&env).await, member(&env).await);
    set_attribute(&env, &star, "follower_count", table::item::n(7)).await;
    ok(&follow(&env, &fan, &star).await);
    assert_eq!(counts(&env, &star).await, (8, 0));
    ok(&unfollow(&env, &fan, &star).await);
    assert_eq!(counts(&env, &star).await, (7, 0));
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
