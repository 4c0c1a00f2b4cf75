//! Username-less sign-in with a discoverable passkey: options for
//! `navigator.credentials.get`, then the assertion verified against the
//! ceremony (taken once) and the credential, and the sign-in completed by
//! the gatekeeper with every rule of the account. A counter that did not
//! grow refuses the sign-in and signs the account out everywhere.

use crate::envelope::{ok, ApiError};
use crate::register::expired;
use crate::rp::{self, Asserted};
use crate::store::{CeremonyRecord, PasskeyStore, Used, CEREMONY_TTL_SECS};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use domain::codes::same_hash;
use domain::message::{Message, MessageKind};
use domain::OpaqueToken;
use domain::{Error, ErrorKind, User, UserId};
use identity::cookies;
use identity::gate::{prefetch_for_passkey, sign_in_by_passkey, Issue, SignedIn};
use identity::AppState;
use serde_json::{json, Value};
use web::SignInAttempt;
use webauthn_rp::DiscoverableAuthenticationServerState;

pub const LOGIN: &str = "login";

/// The cookie binding a sign-in ceremony to the browser or app that began
/// it (HttpOnly, SameSite=Strict, read only under `/user/passkeys`).
pub const CEREMONY_COOKIE: &str = "pkc";
const CEREMONY_PATH: &str = "/user/passkeys";

/// `POST /user/passkeys/login/options`: PublicKeyCredentialRequestOptionsJSON,
/// and the ceremony's cookie.
pub async fn options(State(state): State<AppState>) -> Result<Response, ApiError> {
    let started = rp::start_login(&rp::relying(&state.config)?)?;
    let browser = OpaqueToken::generate();
    let mut record = CeremonyRecord::new(&started.challenge, LOGIN, None, started.state);
    record.browser = Some(browser.hash());
    PasskeyStore(&state.store).put_ceremony(&record).await?;
    let cookie = cookies::set_strict(
        CEREMONY_COOKIE,
        browser.expose(),
        CEREMONY_TTL_SECS,
        CEREMONY_PATH,
    );
    Ok(([cookie], ok(started.options)).into_response())
}

/// Whether the request carries the cookie `ceremony` was bound to (a
/// ceremony bound to none answers anyone).
fn from_its_browser(ceremony: &CeremonyRecord, headers: &HeaderMap) -> bool {
    let Some(bound) = ceremony.browser.as_deref() else {
        return true;
    };
    cookies::get(headers, CEREMONY_COOKIE)
        .and_then(|raw| OpaqueToken::parse(&raw))
        .is_some_and(|token| same_hash(&token.hash(), bound))
}

fn refused() -> Error {
    Error::new(
        ErrorKind::Unauthenticated,
        "invalid_credentials",
        "this passkey cannot sign in",
    )
}

/// A counter that did not grow: a copy of the authenticator may exist.
/// Every session of the account ends and its owner hears of it; the
/// sign-in is refused either way.
pub async fn counter_backwards(
    state: &AppState,
    attempt: &identity::gate::Attempt,
    owner: &UserId,
    name: &str,
) -> Error {
    tracing::warn!(user = %owner, "passkey counter went backwards");
    let (ended, user) = tokio::join!(
        identity::logout::end_everywhere(state, attempt, owner, None),
        state.store.get_user(owner)
    );
    let notice = async {
        if let Some(user) = user? {
            let message = Message::to_user(&user, MessageKind::PasskeyCounter).with("name", name);
            state.store.queue_message(&message).await?;
        }
        Ok::<_, Error>(())
    };
    if let Err(e) = ended.and(notice.await) {
        return e;
    }
    Error::new(
        ErrorKind::Unauthenticated,
        "passkey_counter",
        "this passkey's counter went backwards: the account was signed out everywhere",
    )
}

pub fn brief(user: &User) -> Value {
    json!({ "id": user.id, "username": user.username })
}

/// `POST /user/passkeys/login/verify` with `{"credential": AuthenticationResponseJSON}`:
/// the cookie session `/user/login` sets, or the 2FA challenge.
pub async fn verify(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: Value = serde_json::from_slice(&body)
        .map_err(|_| Error::invalid("credential", "send a JSON object"))?;
    let credential = body
        .get("credential")
        .filter(|c| c.is_object())
        .ok_or_else(|| Error::invalid("credential", "is required"))?;
    let (auth, challenge) = rp::parse_login(credential.to_string().as_bytes())?;
    let store = PasskeyStore(&state.store);
    let id = rp::credential_id(&auth);
    // The account the authenticator names is read beside the ceremony and
    // the credential (two rounds in all); the gate signs it in only if it
    // is the credential's owner.
    let handle = rp::user_of(&auth).ok_or_else(refused)?;
    let (ceremony, found, account) = tokio::join!(
        store.take_ceremony(&challenge),
        store.get(&id),
        prefetch_for_passkey(&state, &attempt, &handle)
    );
    let ceremony = ceremony?
        .filter(|c| c.kind == LOGIN && from_its_browser(c, &headers))
        .ok_or_else(expired)?;
    let found = found?.ok_or_else(refused)?;
    let owner = UserId::parse(&found.user).map_err(|_| Error::internal("passkey owner"))?;
    let asserted = rp::finish::<DiscoverableAuthenticationServerState, true>(
        &rp::relying(&state.config)?,
        &ceremony.state,
        &auth,
        &found.kept(&owner),
    )?;
    let (dynamic, user_verified) = match asserted {
        Asserted::Ok {
            state,
            user_verified,
        } => (state, user_verified),
        Asserted::CounterBackwards => {
            return Err(counter_backwards(&state, &attempt, &owner, &found.name)
                .await
                .into())
        }
    };
    let used = Used {
        dynamic_state: rp::encode_dynamic(dynamic),
        sign_count: dynamic.sign_count,
        backed_up: rp::backup_flags(dynamic).1,
    };
    let signed = sign_in_by_passkey(
        &state,
        &attempt,
        (account, &owner),
        user_verified,
        Issue::Session,
    );
    let (signed, recorded) = tokio::join!(signed, store.record_use(&found, used));
    recorded?;
    match signed? {
        SignedIn::Completed(done) => {
            let cookies: http::HeaderMap = done.cookies().into_iter().collect();
            let body = json!({ "2faEnabled": false, "user": brief(&done.user) });
            Ok((cookies, ok(body)).into_response())
        }
        SignedIn::Challenge { user, challenge } => Ok(ok(json!({
            "2faEnabled": true,
            "sessionHash": challenge.expose(),
            "user": brief(&user),
        }))
        .into_response()),
    }
}
