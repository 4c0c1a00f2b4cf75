//! The options of each ceremony as the client gets them, and what the
//! table keeps of the ceremony begun. User verification is *preferred*,
//! not required: an authenticator without a PIN or biometrics still
//! registers and signs in, as one factor (the gate then asks an account
//! with 2FA for its second); one that verified its user is two
//! (`rp::Asserted`). No credProtect policy is demanded at registration:
//! browsers refuse to create a credential on an authenticator that cannot
//! honour an enforced one, and verification is decided per assertion.

use crate::rp::{challenge_key, handle_of, Relying};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use domain::{Error, User};
use webauthn_rp::bin::{Decode, Encode};
use webauthn_rp::request::auth::AllowedCredentials;
use webauthn_rp::request::register::{CredProtect, PublicKeyCredentialUserEntity, Username};
use webauthn_rp::request::{
    Credentials, PublicKeyCredentialDescriptor, TimedCeremony, UserVerificationRequirement,
};
use webauthn_rp::response::{AuthTransports, CredentialId};
use webauthn_rp::{
    DiscoverableCredentialRequestOptions, NonDiscoverableCredentialRequestOptions,
    PublicKeyCredentialCreationOptions,
};

/// A ceremony begun: what the table keeps, and the options for the client.
pub struct Started {
    pub challenge: String,
    pub state: String,
    pub options: serde_json::Value,
}

/// Registration options for `user`; `existing` (their passkeys' ids) are
/// excluded, so an authenticator holding one says so instead of making a
/// second.
pub fn start_registration(
    rp: &Relying,
    user: &User,
    existing: &[String],
) -> Result<Started, Error> {
    let handle = handle_of(&user.id);
    // The name authenticators show; the id when the username is not one
    // WebAuthn takes (RFC 8265's profile).
    let name = Username::try_from(user.username.as_str())
        .or_else(|_| Username::try_from(user.id.as_str()))
        .map_err(|e| Error::internal(format!("webauthn username: {e}")))?;
    let entity = PublicKeyCredentialUserEntity {
        name,
        id: &handle,
        display_name: None,
    };
    let mut options =
        PublicKeyCredentialCreationOptions::passkey(&rp.rp_id, entity, descriptors(existing));
    options.authenticator_selection.user_verification = UserVerificationRequirement::Preferred;
    options.extensions.cred_protect = CredProtect::None;
    let (server, client) = options
        .start_ceremony()
        .map_err(|e| Error::internal(format!("webauthn options: {e}")))?;
    Started::of(&server, &client)
}

/// Options of a username-less sign-in: any of the RP's discoverable
/// credentials may answer.
pub fn start_login(rp: &Relying) -> Result<Started, Error> {
    let mut options = DiscoverableCredentialRequestOptions::passkey(&rp.rp_id);
    options.0.user_verification = UserVerificationRequirement::Preferred;
    let (server, client) = options
        .start_ceremony()
        .map_err(|e| Error::internal(format!("webauthn options: {e}")))?;
    Started::of(&server, &client)
}

impl Started {
    fn of<S, C>(server: &S, client: &C) -> Result<Self, Error>
    where
        S: TimedCeremony + Encode,
        for<'a> S::Output<'a>: Into<Vec<u8>>,
        S::Err: std::fmt::Display,
        C: serde::Serialize,
    {
        let state = server
            .encode()
            .map(Into::into)
            .map_err(|e| Error::internal(format!("webauthn state: {e}")))?;
        Ok(Started {
            challenge: challenge_key(server.sent_challenge()),
            state: B64.encode(state),
            options: serde_json::to_value(client).map_err(|e| Error::internal(e.to_string()))?,
        })
    }
}

/// Request options for a second factor: only `ids` (the account's
/// passkeys, base64url) may answer. `None` when there is none.
pub fn start_second_factor(rp: &Relying, ids: &[String]) -> Result<Option<Started>, Error> {
    let mut allowed = AllowedCredentials::with_capacity(ids.len());
    for descriptor in descriptors(ids) {
        allowed.push(descriptor.into());
    }
    let Ok(options) = NonDiscoverableCredentialRequestOptions::second_factor(&rp.rp_id, allowed)
    else {
        return Ok(None);
    };
    let (server, client) = options
        .start_ceremony()
        .map_err(|e| Error::internal(format!("webauthn options: {e}")))?;
    Started::of(&server, &client).map(Some)
}

/// Registered credentials (ids, base64url) as the options name them
/// (`allowCredentials`, `excludeCredentials`); transports are not kept.
pub fn descriptors(ids: &[String]) -> Vec<PublicKeyCredentialDescriptor<Vec<u8>>> {
    let Ok(none) = AuthTransports::decode(0) else {
        return Vec::new();
    };
    ids.iter()
        .filter_map(|id| B64.decode(id).ok())
        .filter_map(|bytes| CredentialId::<Vec<u8>>::decode(bytes).ok())
        .map(|id| PublicKeyCredentialDescriptor {
            id,
            transports: none,
        })
        .collect()
}
