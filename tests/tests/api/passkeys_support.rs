//! Helpers of the passkeys tests: the Users API and the passkeys function
//! on one router (sign in with a password, then add a passkey), and a
//! software authenticator (1Password's passkey-rs) that makes real
//! registrations and assertions for the origin the local RP allows.

use crate::users_support::{call, cookie, session, verified, Person};
use axum::Router;
use http::{Method, StatusCode};
use identity::AppState;
use passkey_authenticator::{Authenticator, UiHint, UserCheck, UserValidationMethod};
use passkey_client::{Client, DefaultClientData};
use passkey_crypto::AvailableBackend;
use passkey_types::ctap2::{Aaguid, Ctap2Error};
use passkey_types::{webauthn, Passkey};
use platform_tests::{Reply, TestEnv};
use public_suffix::PublicSuffixList;
use serde_json::{json, Value};
use url::Url;

/// The origin the local RP allows (`WEBAUTHN_ORIGINS`' default).
pub const ORIGIN: &str = "http://localhost:3000";

fn both(state: AppState) -> Router {
    users::app(state.clone()).merge(passkeys::routes(state))
}

pub async fn env() -> TestEnv {
    TestEnv::new(both).await
}

/// The person's user presence and verification, as a platform
/// authenticator with a PIN or a fingerprint answers.
pub struct Verifies;

#[async_trait::async_trait]
impl UserValidationMethod for Verifies {
    type PasskeyItem = Passkey;

    async fn check_user<'a>(
        &self,
        _hint: UiHint<'a, Passkey>,
        presence: bool,
        verification: bool,
    ) -> Result<UserCheck, Ctap2Error> {
        Ok(UserCheck {
            presence,
            verification,
        })
    }

    fn is_presence_enabled(&self) -> bool {
        true
    }

    fn is_verification_enabled(&self) -> Option<bool> {
        Some(true)
    }
}

pub type Device = Client<Option<Passkey>, Verifies, AvailableBackend, PublicSuffixList, ()>;

/// A software authenticator holding one discoverable passkey in memory,
/// counting signatures (so a clone of it can be caught).
pub fn device() -> Device {
    device_with(None)
}

pub fn device_with(store: Option<Passkey>) -> Device {
    let mut auth = Authenticator::new(Aaguid::new_empty(), store, Verifies, AvailableBackend);
    auth.set_make_credentials_with_signature_counter(true);
    Client::new(auth).allows_insecure_localhost(true)
}

pub fn origin() -> Url {
    Url::parse(ORIGIN).unwrap()
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
    let public_key: webauthn::PublicKeyCredentialCreationOptions =
        serde_json::from_value(options.clone()).expect("creation options");
    let created = device
        .register(
            &origin(),
            webauthn::CredentialCreationOptions { public_key },
            DefaultClientData,
        )
        .await
        .expect("the authenticator registers");
    serde_json::to_value(&created).unwrap()
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
    let public_key: webauthn::PublicKeyCredentialRequestOptions =
        serde_json::from_value(options.clone()).expect("request options");
    let asserted = device
        .authenticate(
            &origin(),
            webauthn::CredentialRequestOptions { public_key },
            DefaultClientData,
        )
        .await
        .unwrap_or_else(|e| panic!("the authenticator signs: {e:?}"));
    serde_json::to_value(&asserted).unwrap()
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
    login_verify(env, credential).await
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
