//! A passkey as the second factor of a password sign-in: options naming
//! only the account's passkeys, the assertion completing the sign-in
//! through the gatekeeper (amr `pwd hwk mfa`, the audit naming the
//! passkey), the challenge spent once however many race, refusals counted
//! like wrong codes and writing nothing else.

use crate::audit_support::{events_of, newest};
use crate::passkeys_support::*;
use crate::users_support::{assert_error, cookie, login, Person};
use domain::codes::{Challenge, Purpose};
use domain::UserId;
use http::StatusCode;
use platform_tests::{Reply, TestEnv};
use serde_json::{json, Value};
use table::UserFlag;

/// A person with a passkey on `device` and 2FA on.
async fn two_factor_person(env: &TestEnv, device: &mut Device) -> Person {
    two_factor_passkey(env, device).await.0
}

/// The same, and the passkey's id.
async fn two_factor_passkey(env: &TestEnv, device: &mut Device) -> (Person, String) {
    let (p, _, view) = with_passkey(env, device).await;
    let id = UserId::parse(&p.id).unwrap();
    let flagged = env
        .state
        .store
        .set_user_flag(&id, UserFlag::TwoFactor, true);
    assert!(flagged.await.unwrap());
    (p, view["id"].as_str().unwrap().to_owned())
}

/// The password sign-in's challenge (`sessionHash`).
async fn challenged(env: &TestEnv, p: &Person) -> String {
    let r = login(env, p).await;
    assert_eq!(r.body["data"]["2faEnabled"], true, "{:?}", r.body);
    r.body["data"]["sessionHash"].as_str().unwrap().to_owned()
}

pub async fn second_options(env: &TestEnv, p: &Person, hash: &str) -> Reply {
    let body = json!({ "target": p.id, "sessionHash": hash });
    env.post("/user/passkeys/second-factor/options", body).await
}

pub async fn second_verify(env: &TestEnv, p: &Person, hash: &str, credential: Value) -> Reply {
    let body = json!({ "target": p.id, "sessionHash": hash, "credential": credential });
    env.post("/user/passkeys/second-factor/verify", body).await
}

/// Answers `hash` with `device`: options, then the assertion.
pub async fn answer(env: &TestEnv, p: &Person, hash: &str, device: &mut Device) -> Reply {
    let options = second_options(env, p, hash).await;
    assert_eq!(options.status, StatusCode::OK, "{:?}", options.body);
    let credential = device.get(&options.body["data"]);
    second_verify(env, p, hash, credential).await
}

async fn sign_ins(env: &TestEnv, p: &Person) -> usize {
    let events = events_of(env, &p.id).await;
    events
        .iter()
        .filter(|e| e.kind.as_str() == "sign_in")
        .count()
}

async fn attempts(env: &TestEnv, p: &Person) -> Option<u32> {
    let id = UserId::parse(&p.id).unwrap();
    let slot = env.state.store.get_code_slot(&id, Purpose::TwoFactor);
    slot.await.unwrap().map(|s| s.attempts)
}

/// A snapshot without what a refused answer may change: its count on the
/// challenge and its event.
fn untouched(snapshot: Vec<String>) -> Vec<String> {
    crate::audit_support::without_events(snapshot)
        .into_iter()
        .filter(|item| !item.contains("sk=S(\"CODE#"))
        .collect()
}

#[tokio::test]
async fn a_passkey_answers_a_password_sign_ins_second_factor() {
    let env = env().await;
    let mut device = device();
    let (p, passkey) = two_factor_passkey(&env, &mut device).await;
    let hash = challenged(&env, &p).await;

    let options = second_options(&env, &p, &hash).await;
    assert_eq!(options.status, StatusCode::OK, "{:?}", options.body);
    let allowed = options.body["data"]["allowCredentials"].as_array().unwrap();
    let ids: Vec<&str> = allowed.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [passkey]);

    let credential = device.get(&options.body["data"]);
    let r = second_verify(&env, &p, &hash, credential).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["data"]["user"]["id"], p.id.as_str());
    assert!(cookie(&r).starts_with("sid="));
    assert_eq!(amr_of(&env, &r).await, ["pwd", "hwk", "mfa"]);
    let events = events_of(&env, &p.id).await;
    let signed_in = newest(&events, "sign_in");
    assert_eq!(signed_in.detail["method"], "password");
    assert_eq!(signed_in.detail["second_factor"], "passkey");
    assert_eq!(signed_in.detail["passkey"], "Laptop");

    // The challenge is spent: answering it again is a dead challenge.
    let r = second_options(&env, &p, &hash).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidCode");
}

#[tokio::test]
async fn a_dead_challenge_answers_as_do_2fa_does_and_writes_nothing() {
    let env = env().await;
    let mut device = device();
    let p = two_factor_person(&env, &mut device).await;
    let live = challenged(&env, &p).await;
    let unknown = Challenge::generate().expose().to_owned();
    let stranger = UserId::generate().to_string();
    let before = env.snapshot().await;
    let do_2fa = env
        .post(
            "/user/do-2fa",
            json!({ "target": p.id, "code": "123456", "sessionHash": unknown }),
        )
        .await;
    for body in [
        json!({ "target": p.id, "sessionHash": unknown }),
        json!({ "target": stranger, "sessionHash": live }),
    ] {
        let r = env.post("/user/passkeys/second-factor/options", body).await;
        assert_eq!((r.status, &r.body), (do_2fa.status, &do_2fa.body));
    }
    // Bad input names its field.
    for (body, field) in [
        (json!("text"), "sessionHash"),
        (json!({ "sessionHash": live }), "target"),
        (json!({ "target": "nope", "sessionHash": live }), "target"),
        (json!({ "target": p.id }), "sessionHash"),
        (json!({ "target": p.id, "sessionHash": "x" }), "sessionHash"),
    ] {
        let r = env
            .post("/user/passkeys/second-factor/options", body.clone())
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
        assert_eq!(r.error_field(), Some(field), "{:?}", r.body);
        let r = env.post("/user/passkeys/second-factor/verify", body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
        assert_eq!(r.error_field(), Some(field), "{:?}", r.body);
    }
    let r = second_verify(&env, &p, &live, json!("x")).await;
    assert_eq!(r.error_field(), Some("credential"), "{:?}", r.body);
    assert_eq!(env.snapshot().await, before);
}

#[tokio::test]
async fn refused_answers_count_like_wrong_codes_and_write_nothing_else() {
    let env = env().await;
    let mut device = device();
    let p = two_factor_person(&env, &mut device).await;
    let mut theirs = crate::passkeys_support::device();
    with_passkey(&env, &mut theirs).await;
    let hash = challenged(&env, &p).await;
    let sign_ins = sign_ins(&env, &p).await;
    let before = untouched(env.snapshot().await);

    // Another account's passkey.
    let options = second_options(&env, &p, &hash).await;
    let r = second_verify(&env, &p, &hash, theirs.get(&options.body["data"])).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidCredential");
    assert_eq!(attempts(&env, &p).await, Some(1));
    // A bad signature.
    let options = second_options(&env, &p, &hash).await;
    let mut forged = device.get(&options.body["data"]);
    forged["response"]["signature"] = json!("MEUCIQ");
    let r = second_verify(&env, &p, &hash, forged).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidCredential");
    // A replayed ceremony (the first one, taken already).
    let r = second_verify(&env, &p, &hash, device.get(&options.body["data"])).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidChallenge");
    assert_eq!(attempts(&env, &p).await, Some(3));
    assert_eq!(untouched(env.snapshot().await), before);

    // Five end the challenge: even the right passkey answers nothing.
    for _ in 0..2 {
        let options = second_options(&env, &p, &hash).await;
        let r = second_verify(&env, &p, &hash, theirs.get(&options.body["data"])).await;
        assert_error(&r, StatusCode::BAD_REQUEST, "InvalidCredential");
    }
    let r = second_options(&env, &p, &hash).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "InvalidCode");
    assert_eq!(self::sign_ins(&env, &p).await, sign_ins);
}

#[tokio::test]
async fn of_two_racing_answers_exactly_one_signs_in() {
    let env = env().await;
    let mut device = device();
    let p = two_factor_person(&env, &mut device).await;
    let hash = challenged(&env, &p).await;
    // Two ceremonies of the one challenge, each answered.
    let a = second_options(&env, &p, &hash).await;
    let b = second_options(&env, &p, &hash).await;
    let (a, b) = (device.get(&a.body["data"]), device.get(&b.body["data"]));
    let (a, b) = tokio::join!(
        second_verify(&env, &p, &hash, a),
        second_verify(&env, &p, &hash, b)
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::BAD_REQUEST]);
    let loser = if a.status == StatusCode::OK { &b } else { &a };
    assert!(loser.headers.get("set-cookie").is_none());
    let sessions = env.snapshot().await;
    let sessions = sessions
        .iter()
        .filter(|i| i.contains("kind=S(\"session\")"));
    assert_eq!(sessions.count(), 2, "the registering session and one more");
}

#[tokio::test]
async fn a_counter_going_backwards_refuses_the_second_factor() {
    let env = env().await;
    let mut device = device();
    let p = two_factor_person(&env, &mut device).await;
    let mut clone = device.clone();
    let hash = challenged(&env, &p).await;
    let r = answer(&env, &p, &hash, &mut device).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let signed_in = cookie(&r);

    let hash = challenged(&env, &p).await;
    let r = answer(&env, &p, &hash, &mut clone).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "PasskeyCounter");
    let r = crate::users_support::call(
        &env,
        http::Method::GET,
        "/user/passkeys",
        None,
        &[("cookie", &signed_in)],
    )
    .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "Unauthorized");
}

#[tokio::test]
async fn a_passkey_answer_may_remember_the_device() {
    use crate::gate_support::{device_cookie, users_login, Caller};
    let env = env().await;
    let mut device = device();
    let p = two_factor_person(&env, &mut device).await;
    let hash = challenged(&env, &p).await;
    let options = second_options(&env, &p, &hash).await;
    let credential = device.get(&options.body["data"]);
    let body = |remember: Value| json!({ "target": p.id, "sessionHash": hash, "credential": credential, "remember": remember });
    let before = env.snapshot().await;
    let r = env
        .post("/user/passkeys/second-factor/verify", body(json!("yes")))
        .await;
    assert_eq!(r.error_field(), Some("remember"), "{:?}", r.body);
    assert_eq!(env.snapshot().await, before);
    let r = env
        .post("/user/passkeys/second-factor/verify", body(json!(true)))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let from = Caller {
        cookies: vec![device_cookie(&r)],
        ..Caller::default()
    };
    let r = users_login(&env, &p, crate::users_support::PASSWORD, &from).await;
    assert_eq!(r.body["data"]["2faEnabled"], false, "{:?}", r.body);
}
