//! A passkey answering the second factor of a sign-in that answered
//! `2faEnabled: true` (a password, or a social network): options naming
//! only the account's passkeys, then the assertion verified here and the
//! sign-in completed by the gatekeeper
//! (`identity::gate::answer_with_passkey`), which spends the challenge.
//! Bad input is refused before anything is read; a challenge unknown,
//! expired or used answers as `/user/do-2fa` does.

use crate::envelope::{ok, ApiError};
use crate::login::{brief, counter_backwards};
use crate::register::expired;
use crate::rp::{self, Asserted, HANDLE_LEN};
use crate::store::{CeremonyRecord, PasskeyStore};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use domain::codes::Challenge;
use domain::{Error, ErrorKind, UserId};
use identity::gate::{
    answer_with_passkey, passkey_may_answer, passkey_refused, Assertion, Attempt, Issue,
};
use identity::AppState;
use serde_json::{json, Value};
use table::PasskeyUse;
use web::SignInAttempt;
use webauthn_rp::{NonDiscoverableAuthentication, NonDiscoverableAuthenticationServerState};

pub const SECOND_FACTOR: &str = "second_factor";

/// `target` and `sessionHash` of a body, as `/user/do-2fa` reads them.
fn challenge_of(body: &Value) -> Result<(UserId, Challenge), Error> {
    let text = |field: &'static str| {
        body.get(field)
            .and_then(Value::as_str)
            .ok_or_else(|| Error::invalid(field, "is required"))
    };
    let target = UserId::parse(text("target")?).map_err(|e| e.at("target"))?;
    let challenge = Challenge::parse(text("sessionHash")?)
        .ok_or_else(|| Error::invalid("sessionHash", "is not a session hash /user/login gave"))?;
    Ok((target, challenge))
}

fn json_body(body: &[u8]) -> Result<Value, Error> {
    serde_json::from_slice::<Value>(body)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| Error::invalid("sessionHash", "send a JSON object"))
}

fn no_passkey() -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        "no_passkey",
        "the account has no passkey: answer with a code",
    )
}

/// `POST /user/passkeys/second-factor/options` with `{target, sessionHash}`:
/// PublicKeyCredentialRequestOptionsJSON whose `allowCredentials` are the
/// account's passkeys.
pub async fn options(State(state): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    let (target, challenge) = challenge_of(&json_body(&body)?)?;
    let store = PasskeyStore(&state.store);
    let (may, ids) = tokio::join!(
        passkey_may_answer(&state.store, &target, &challenge),
        store.ids(&target)
    );
    may?;
    let started =
        rp::start_second_factor(&rp::relying(&state.config)?, &ids?)?.ok_or_else(no_passkey)?;
    let mut record = CeremonyRecord::new(
        &started.challenge,
        SECOND_FACTOR,
        Some(&target),
        started.state,
    );
    record.session = Some(challenge.hash());
    store.put_ceremony(&record).await?;
    Ok(ok(started.options).into_response())
}

/// What the assertion proves, read and verified beside the gate's reads:
/// the ceremony (taken once; it must be this challenge's) and the
/// credential.
async fn assertion(
    state: &AppState,
    attempt: &Attempt,
    (target, challenge): (&UserId, &Challenge),
    auth: &NonDiscoverableAuthentication<HANDLE_LEN>,
    ceremony: &str,
) -> Result<Assertion, Error> {
    let store = PasskeyStore(&state.store);
    let id = rp::raw_id_text(auth.raw_id().as_ref());
    let (ceremony, found) = tokio::join!(store.take_ceremony(ceremony), store.get(&id));
    let Some(ceremony) = ceremony?.filter(|c| {
        c.kind == SECOND_FACTOR
            && c.user.as_deref() == Some(target.as_str())
            && c.session.as_deref() == Some(challenge.hash().as_str())
    }) else {
        return Ok(Assertion::Refused(expired()));
    };
    let Some(found) = found? else {
        return Ok(Assertion::Refused(passkey_refused()));
    };
    let owner = UserId::parse(&found.user).map_err(|_| Error::internal("passkey owner"))?;
    let rp = rp::relying(&state.config)?;
    let kept = found.kept(&owner);
    let verified = rp::finish::<NonDiscoverableAuthenticationServerState, false>;
    let dynamic = match verified(&rp, &ceremony.state, auth, &kept) {
        Ok(Asserted::Ok { state, .. }) => state,
        Ok(Asserted::CounterBackwards) => {
            let refusal = counter_backwards(state, attempt, &owner, &found.name).await;
            return Ok(Assertion::Refused(refusal));
        }
        Err(e) if e.kind == ErrorKind::InvalidInput => return Ok(Assertion::Refused(e)),
        Err(e) => return Err(e),
    };
    Ok(Assertion::Verified(PasskeyUse {
        id: found.id,
        owner,
        name: found.name,
        dynamic_state: rp::encode_dynamic(dynamic),
        sign_count: dynamic.sign_count,
        previous_count: found.sign_count,
        backed_up: rp::backup_flags(dynamic).1,
    }))
}

/// `POST /user/passkeys/second-factor/verify` with `{target, sessionHash,
/// credential, remember?}`: the cookies `/user/do-2fa` sets, and the user.
pub async fn verify(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = json_body(&body)?;
    let (target, challenge) = challenge_of(&body)?;
    let credential = body
        .get("credential")
        .filter(|c| c.is_object())
        .ok_or_else(|| Error::invalid("credential", "is required"))?;
    let remember = match body.get("remember") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(Error::invalid("remember", "must be true or false").into()),
    };
    let (auth, ceremony) = rp::parse_second_factor(credential.to_string().as_bytes())?;
    // Boxed: the verification's frames are deep, and a test thread's
    // stack is 2 MiB.
    let proof = Box::pin(assertion(
        &state,
        &attempt,
        (&target, &challenge),
        &auth,
        &ceremony,
    ));
    let done = Box::pin(answer_with_passkey(
        &state,
        &attempt,
        &target,
        &challenge,
        proof,
        Issue::Session,
        remember,
    ))
    .await?;
    let cookies: http::HeaderMap = done.cookies().into_iter().collect();
    Ok((cookies, ok(json!({ "user": brief(&done.user) }))).into_response())
}
