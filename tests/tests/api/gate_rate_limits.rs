//! Issue 18, finding 8: `/user/code`, `/user/login` and the App login
//! answered 429 without `Retry-After`. Every 429 now carries it, and the
//! IETF `RateLimit-Policy` / `RateLimit` headers where a budget applies,
//! from one place (`web::Problem`).

use crate::gate_support::*;
use crate::users_support::PASSWORD;
use domain::codes::{RESET_SEND_LIMIT, TWO_FACTOR_SEND_LIMIT};
use http::{Method, StatusCode};
use platform_tests::Reply;

fn assert_budget(r: &Reply, policy: &str, max: u32, window: i64) {
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{:?}", r.body);
    let retry: i64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=window).contains(&retry), "Retry-After {retry}");
    assert_eq!(
        r.headers["ratelimit-policy"],
        format!("\"{policy}\";q={max};w={window}").as_str()
    );
    assert_eq!(
        r.headers["ratelimit"],
        format!("\"{policy}\";r=0;t={retry}").as_str()
    );
}

/// `call` until it is refused (429), at most two windows' worth: a fixed
/// window may turn in the middle of the loop.
async fn until_refused<'a, F, Fut>(max: u32, mut call: F) -> Reply
where
    F: FnMut(u32) -> Fut,
    Fut: std::future::Future<Output = Reply> + 'a,
{
    let mut last = None;
    for i in 0..=2 * max {
        let r = call(i).await;
        let refused = r.status == StatusCode::TOO_MANY_REQUESTS;
        last = Some(r);
        if refused {
            break;
        }
    }
    last.expect("at least one call")
}

#[tokio::test]
async fn every_budget_answers_429_with_retry_after_and_its_ratelimit_headers() {
    let env = env().await;
    let p = person(&env).await;
    // Reset codes, per address.
    let uri = format!(
        "/user/code?email={}",
        url::form_urlencoded::byte_serialize(p.email.as_bytes()).collect::<String>()
    );
    let anyone = Caller::default();
    let r = until_refused(RESET_SEND_LIMIT.max, |_| {
        send(&env, Method::GET, &uri, None, &anyone)
    })
    .await;
    assert_budget(
        &r,
        "reset-send",
        RESET_SEND_LIMIT.max,
        RESET_SEND_LIMIT.window_secs,
    );
    assert_eq!(r.body["code"], "TooManyRequests");
    // Second-factor challenges, per account.
    two_factor_on(&env, &p).await;
    let policy = TWO_FACTOR_SEND_LIMIT;
    let caller = Caller::default();
    let r = until_refused(policy.max, |_| users_login(&env, &p, PASSWORD, &caller)).await;
    assert_budget(&r, "2fa-send", policy.max, policy.window_secs);
    let r = app_login(&env, &p.username, PASSWORD, &Caller::default()).await;
    assert_budget(&r, "2fa-send", policy.max, policy.window_secs);
    // The App's email check, per caller.
    let limit = app::EMAIL_CHECK_PER_CALLER;
    let bodies: Vec<String> = (0..=2 * limit.max)
        .map(|i| format!("email=probe{i}%40example.com"))
        .collect();
    let r = until_refused(limit.max, |i| {
        crate::app_support::form(
            &env,
            "/api/check/email/",
            &bodies[i as usize],
            Default::default(),
        )
    })
    .await;
    assert_budget(&r, limit.scope, limit.max, limit.window_secs);
    assert_eq!(r.body["error"], "rate_limited");
}
