//! Registering a passkey: options for `navigator.credentials.create`, then
//! the authenticator's answer verified against the ceremony taken once.

use crate::envelope::{caller, caller_with, ok, ApiError};
use crate::manage::view;
use crate::rp;
use crate::store::{CeremonyRecord, PasskeyRecord, PasskeyStore};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use bytes::Bytes;
use domain::{time, Error};
use identity::AppState;
use serde_json::Value;
use table::keys;

pub const REGISTER: &str = "register";
/// Longest name a passkey may have (characters).
pub const MAX_NAME_CHARS: usize = 64;

/// `POST /user/passkeys/register/options`: PublicKeyCredentialCreationOptionsJSON.
pub async fn options(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let store = PasskeyStore(&state.store);
    let (user, existing) =
        caller_with(&state, &headers, |u| async move { store.ids(&u).await }).await?;
    let started = rp::start_registration(&rp::relying(&state.config)?, &user, &existing?)?;
    let record = CeremonyRecord::new(&started.challenge, REGISTER, Some(&user.id), started.state);
    store.put_ceremony(&record).await?;
    Ok(ok(started.options))
}

/// The body of `register/verify`: the RegistrationResponseJSON and a name.
pub fn parse_body(body: &[u8]) -> Result<(Value, Option<String>), Error> {
    let mut body: Value = serde_json::from_slice(body)
        .map_err(|_| Error::invalid("credential", "send a JSON object"))?;
    let name = match body.get("name") {
        None | Some(Value::Null) => None,
        Some(Value::String(n)) => Some(valid_name(n)?),
        Some(_) => return Err(Error::invalid("name", "must be a string")),
    };
    let credential = body
        .get_mut("credential")
        .filter(|c| c.is_object())
        .map(Value::take)
        .ok_or_else(|| Error::invalid("credential", "is required"))?;
    Ok((credential, name))
}

pub fn valid_name(raw: &str) -> Result<String, Error> {
    let name = raw.trim();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(Error::invalid(
            "name",
            format!("must be 1 to {MAX_NAME_CHARS} printable characters"),
        ));
    }
    Ok(name.to_owned())
}

/// `POST /user/passkeys/register/verify`: the new passkey.
pub async fn verify(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let user = caller(&state, &headers).await?;
    let (credential, name) = parse_body(&body)?;
    let (reg, challenge) = rp::parse_registration(credential.to_string().as_bytes())?;
    let store = PasskeyStore(&state.store);
    let ceremony = store
        .take_ceremony(&challenge)
        .await?
        .filter(|c| c.kind == REGISTER && c.user.as_deref() == Some(user.id.as_str()))
        .ok_or_else(expired)?;
    let new = rp::finish_registration(&rp::relying(&state.config)?, &ceremony.state, &reg)?;
    let (backup_eligible, backed_up) = rp::backup_flags(new.dynamic);
    let record = PasskeyRecord {
        pk: keys::passkey(&new.id),
        sk: keys::PASSKEY_SK.to_owned(),
        id: new.id,
        user: user.id.to_string(),
        name: name.unwrap_or_else(|| "Passkey".to_owned()),
        static_state: new.static_state,
        dynamic_state: rp::encode_dynamic(new.dynamic),
        sign_count: new.dynamic.sign_count,
        backup_eligible,
        backed_up,
        created_ms: time::now_ms(),
        last_used_ms: None,
    };
    if !store.create(&record).await? {
        return Err(Error::conflict("passkey_exists", "this passkey is registered already").into());
    }
    Ok(ok(view(&record)))
}

/// A challenge unknown, used, expired or another's: one answer.
pub fn expired() -> Error {
    Error::new(
        domain::ErrorKind::InvalidInput,
        "invalid_challenge",
        "the ceremony is unknown, expired or used: start again",
    )
    .on("challenge")
}
