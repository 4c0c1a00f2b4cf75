//! App Users API statistics: maintained, sharded counters updated in the
//! profile change's own transaction, exact under concurrency; integer
//! percentages summing to 100.

use crate::app_support::*;
use futures::future::join_all;
use serde_json::json;

#[tokio::test]
async fn stats_are_exact_after_30_concurrent_registrations_and_updates() {
    let env = env().await;
    let key = full_key(&env).await;
    let users = join_all((0..30).map(|_| register(&env))).await;
    let this_year: i32 = domain::time::now()
        .format("%Y")
        .to_string()
        .parse()
        .unwrap();
    let updates = users.iter().enumerate().map(|(i, u)| {
        let sex = ["male", "female", "other"][i % 3];
        let born = this_year - [20, 30, 40, 50][i % 4];
        let cats = if i % 2 == 0 {
            "categories=fashion&categories=beauty"
        } else {
            "categories=technology&categories=gaming"
        };
        let env = &env;
        async move {
            let a = form(
                env,
                "/api/update/profile/",
                &format!("sex={sex}&birth_date={born}-01-01"),
                cookie(&u.sid),
            )
            .await;
            let b = form(env, "/api/update/preferences/", cats, cookie(&u.sid)).await;
            assert_eq!(
                (a.status.as_u16(), b.status.as_u16()),
                (200, 200),
                "{} {}",
                a.body,
                b.body
            );
        }
    });
    join_all(updates).await;
    let stats = |what: &'static str| {
        let (env, key) = (&env, key.clone());
        async move {
            form(
                env,
                &format!("/api/users/stats/{what}/"),
                "",
                with_key(&key),
            )
            .await
            .body
        }
    };
    assert_eq!(
        stats("sex").await,
        json!({"male": 34, "female": 33, "other": 33})
    );
    assert_eq!(
        stats("age").await,
        json!({"18-24": 27, "25-34": 27, "35-44": 23, "45+": 23})
    );
    assert_eq!(
        stats("preferences").await,
        json!({"fashion": 25, "beauty": 25, "technology": 25, "food": 0, "travel": 0, "other": 25})
    );
    // One user racing themselves: counted once, whatever wins.
    let racer = &users[0];
    let bodies: Vec<String> = ["female", "other", "female", "other", "female"]
        .iter()
        .map(|s| format!("sex={s}"))
        .collect();
    let races = bodies
        .iter()
        .map(|b| form(&env, "/api/update/profile/", b, cookie(&racer.sid)));
    for r in join_all(races).await {
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let final_sex = user(&env.state, racer.seq).await.sex.unwrap();
    let totals = app::store::AppStore::new(&env.state.store)
        .stats_totals()
        .await
        .unwrap();
    let count = |s: &str| totals.get(&format!("sex_{s}")).copied().unwrap_or(0);
    assert_eq!(count("male") + count("female") + count("other"), 30);
    assert_eq!(count("male"), 9);
    assert_eq!(count(&final_sex), 11);
}

#[tokio::test]
async fn empty_statistics_are_zeros_and_need_a_read_key() {
    let env = env().await;
    let read = key_with(&env, vec![identity::api_key::Permission::Read]).await;
    let r = form(&env, "/api/users/stats/sex/", "", with_key(&read)).await;
    assert_eq!(r.body, json!({"male": 0, "female": 0, "other": 0}));
    let r = form(&env, "/api/users/stats/age/", "", As::default()).await;
    assert_eq!(
        (r.status.as_u16(), r.body["error"].as_str()),
        (401, Some("authentication_required"))
    );
}
