//! Helpers of the passkeys tests: the Users API and the passkeys function
//! on one router (sign in with a password, then add a passkey), and the
//! ceremonies run with the software authenticator of passkeys_device.rs.

pub use crate::passkeys_device::{Device, ORIGIN};
use crate::users_support::{call, cookie, session, verified, Person};
use axum::Router;
use http::{Method, StatusCode};
use identity::AppState;
use platform_tests::{Reply, TestEnv};
use serde_json::{json, Value};

fn both(state: AppState) -> Router {
    users::app(state.clone()).merge(passkeys::routes(state))
}

pub async fn env() -> TestEnv {
    TestEnv::new(both).await
}

/// A fresh software authenticator (tests/tests/api/passkeys_device.rs).
pub fn device() -> Device {
    Device::default()
}

/// `register/options` for the session `sid`.
pub async fn register_options(env: &TestEnv, sid: &str) -> Reply {
    call(
        env,
        Method::POST,
        "/user/passkeys/register/options",
        None,
        &[("cookie", sid)],
    )
    .await
}

/// The authenticator's RegistrationResponseJSON for `options`.
pub async fn create(device: &mut Device, options: &Value) -> Value {
    device.create(options)
}

pub async fn register_verify(env: &TestEnv, sid: &str, body: Value) -> Reply {
    call(
        env,
        Method::POST,
        "/user/passkeys/register/verify",
        Some(body),
        &[("cookie", sid)],
    )
    .await
}

/// A verified person with a session and a passkey on `device`: (person,
/// session cookie, the passkey's view).
pub async fn with_passkey(env: &TestEnv, device: &mut Device) -> (Person, String, Value) {
    let p = verified(env).await;
    let sid = session(env, &p).await;
    let options = register_options(env, &sid).await;
    assert_eq!(options.status, StatusCode::OK, "{:?}", options.body);
    let credential = create(device, &options.body["data"]).await;
    let r = register_verify(
        env,
        &sid,
        json!({ "credential": credential, "name": "Laptop" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    (p, sid, r.body["data"].clone())
}

pub async fn login_options(env: &TestEnv) -> Reply {
    env.post("/user/passkeys/login/options", json!({})).await
}

/// The authenticator's AuthenticationResponseJSON for `options`.
pub async fn assert(device: &mut Device, options: &Value) -> Value {
    device.get(options)
}

/// The ceremony cookie (`pkc=…`) login/options set.
pub fn ceremony_cookie(options: &Reply) -> String {
    let set = options
        .headers
        .get("set-cookie")
        .expect("a ceremony cookie");
    let cookie = set.to_str().unwrap().split(';').next().unwrap();
    assert!(cookie.starts_with("pkc="), "{cookie}");
    cookie.to_owned()
}

/// `login/verify` of `credential`, from the browser holding `cookie`.
pub async fn login_verify_from(env: &TestEnv, credential: Value, cookie: &str) -> Reply {
    let body = json!({ "credential": credential });
    call(
        env,
        Method::POST,
        "/user/passkeys/login/verify",
        Some(body),
        &[("cookie", cookie)],
    )
    .await
}

pub async fn login_verify(env: &TestEnv, credential: Value) -> Reply {
    env.post(
        "/user/passkeys/login/verify",
        json!({ "credential": credential }),
    )
    .await
}

/// Signs in with `device`'s passkey, username-less.
pub async fn sign_in(env: &TestEnv, device: &mut Device) -> Reply {
    let options = login_options(env).await;
    assert_eq!(options.status, StatusCode::OK, "{:?}", options.body);
    let credential = assert(device, &options.body["data"]).await;
    login_verify_from(env, credential, &ceremony_cookie(&options)).await
}

/// The `amr` of the session a reply set.
pub async fn amr_of(env: &TestEnv, r: &Reply) -> Vec<String> {
    let sid = cookie(r);
    let value = sid.split_once('=').unwrap().1;
    let (record, _) = identity::session::resolve_value(&env.state.store, value)
        .await
        .expect("a live session");
    record.amr
}
