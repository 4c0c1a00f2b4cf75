//! The relying party: `webauthn_rp` does every check of the ceremonies
//! (CBOR, attestation `none`/`packed`, signatures ES256/ES384/EdDSA/RS256,
//! challenge, origin, RP ID hash, flags, counter); this module only turns
//! its types into what the table keeps (base64url bytes) and back.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use domain::{Error, UserId};
use std::fmt::Debug;
use webauthn_rp::bin::{Decode, Encode};
use webauthn_rp::request::auth::AuthenticationVerificationOptions;
use webauthn_rp::request::register::{RegistrationVerificationOptions, UserHandle};
use webauthn_rp::request::{AsciiDomain, RpId};
use webauthn_rp::response::auth::error::AuthCeremonyErr;
use webauthn_rp::response::auth::{Authentication, AuthenticatorData};
use webauthn_rp::response::register::{CompressedPubKey, DynamicState, StaticState};
use webauthn_rp::response::{Backup, CredentialId, SentChallenge};
use webauthn_rp::{
    AuthenticatedCredential, DiscoverableAuthentication, DiscoverableAuthenticationServerState,
    NonDiscoverableAuthentication, NonDiscoverableAuthenticationServerState, Registration,
    RegistrationServerState,
};

/// User handles are the account's id (24 ASCII hex digits).
pub const HANDLE_LEN: usize = 24;
pub type Handle = UserHandle<HANDLE_LEN>;

pub use crate::options::{
    descriptors, start_login, start_registration, start_second_factor, Started,
};

/// Where passkeys are valid: the RP ID (a domain) and the origins
/// allowed to run ceremonies. From `WEBAUTHN_RP_ID` / `WEBAUTHN_ORIGINS`
/// (comma separated) when set, else the hosted pages' address
/// (`FRONTEND_URL`, else `OAUTH_ISSUER`) and the issuer's. WebAuthn
/// clients refuse IP literals, so a loopback address becomes `localhost`
/// (locally: `localhost` and `http://localhost:3000`).
pub struct Relying {
    pub rp_id: RpId,
    pub origins: Vec<String>,
}

pub fn relying(config: &identity::Config) -> Result<Relying, Error> {
    let var = |n: &str| std::env::var(n).ok().filter(|v| !v.trim().is_empty());
    let pages = url::Url::parse(&config.frontend_url)
        .map_err(|e| Error::internal(format!("FRONTEND_URL: {e}")))?;
    let id = match var("WEBAUTHN_RP_ID") {
        Some(id) => id.trim().to_owned(),
        None => domain_of(&pages),
    };
    let rp_id = AsciiDomain::try_from(id)
        .map(RpId::Domain)
        .map_err(|e| Error::internal(format!("WEBAUTHN_RP_ID: {e:?}")))?;
    let mut origins: Vec<String> = match var("WEBAUTHN_ORIGINS") {
        Some(list) => list
            .split(',')
            .map(|o| o.trim().trim_end_matches('/').to_owned())
            .filter(|o| !o.is_empty())
            .collect(),
        None => [&config.frontend_url, &config.oauth_issuer]
            .into_iter()
            .filter_map(|u| url::Url::parse(u).ok())
            .map(|u| origin_of(&u))
            .collect(),
    };
    origins.dedup();
    Ok(Relying { rp_id, origins })
}

/// A URL's host as an RP ID: loopback addresses are `localhost`.
fn domain_of(url: &url::Url) -> String {
    match url.host() {
        Some(url::Host::Domain(d)) => d.to_ascii_lowercase(),
        _ => "localhost".to_owned(),
    }
}

fn origin_of(url: &url::Url) -> String {
    match url.port() {
        Some(port) => format!("{}://{}:{port}", url.scheme(), domain_of(url)),
        None => format!("{}://{}", url.scheme(), domain_of(url)),
    }
}

/// The account a username-less assertion's user handle names (handles
/// are account ids), if it is one.
pub fn user_of(auth: &DiscoverableAuthentication<HANDLE_LEN>) -> Option<UserId> {
    let handle = auth.response().user_handle();
    UserId::parse(std::str::from_utf8(handle.as_ref()).ok()?).ok()
}

/// A challenge as the table keys its ceremony.
pub fn challenge_key(c: SentChallenge) -> String {
    format!("{:032x}", c.0)
}

pub fn handle_of(user: &UserId) -> Handle {
    let mut bytes = [0u8; HANDLE_LEN];
    bytes.copy_from_slice(&user.as_str().as_bytes()[..HANDLE_LEN]);
    Handle::decode(bytes).unwrap_or_else(|e| match e {})
}

pub fn bad_response(detail: impl std::fmt::Display) -> Error {
    tracing::info!(%detail, "webauthn response refused");
    Error::new(
        domain::ErrorKind::InvalidInput,
        "invalid_credential",
        "the authenticator's response could not be verified",
    )
}

/// The longest credential id kept (base64url): it stands in a sort key
/// (`PASSKEY#<id>`, at most 1024 bytes). Authenticators' ids are 16 to a
/// few hundred bytes; WebAuthn allows 1023, which would not fit.
pub const MAX_ID_CHARS: usize = 1000;

/// A verified registration, as the table keeps it.
pub struct NewPasskey {
    pub id: String,
    pub static_state: String,
    pub dynamic: DynamicState,
}

pub fn parse_registration(json: &[u8]) -> Result<(Registration, String), Error> {
    let reg = Registration::from_json_relaxed(json).map_err(bad_response)?;
    let challenge = reg.challenge_relaxed().map_err(bad_response)?;
    Ok((reg, challenge_key(challenge)))
}

pub fn finish_registration(
    rp: &Relying,
    state: &str,
    reg: &Registration,
) -> Result<NewPasskey, Error> {
    let bytes = B64
        .decode(state)
        .map_err(|e| Error::internal(e.to_string()))?;
    let server = RegistrationServerState::<HANDLE_LEN>::decode(bytes.as_slice())
        .map_err(|e| Error::internal(format!("webauthn state: {e}")))?;
    let options = RegistrationVerificationOptions::<&str, &str> {
        allowed_origins: &rp.origins.iter().map(String::as_str).collect::<Vec<_>>(),
        ..Default::default()
    };
    let cred = server
        .verify(&rp.rp_id, reg, &options)
        .map_err(bad_response)?;
    let id = B64.encode(cred.id().as_ref());
    if id.len() > MAX_ID_CHARS {
        return Err(bad_response(
            "credential id longer than the table keys take",
        ));
    }
    let static_state = cred.static_state().encode().unwrap_or_else(|e| match e {});
    Ok(NewPasskey {
        id,
        static_state: B64.encode(static_state),
        dynamic: cred.dynamic_state(),
    })
}

pub fn parse_login(json: &[u8]) -> Result<(DiscoverableAuthentication<HANDLE_LEN>, String), Error> {
    let auth =
        DiscoverableAuthentication::<HANDLE_LEN>::from_json_relaxed(json).map_err(bad_response)?;
    let challenge = auth.challenge_relaxed().map_err(bad_response)?;
    Ok((auth, challenge_key(challenge)))
}

pub fn credential_id(auth: &DiscoverableAuthentication<HANDLE_LEN>) -> String {
    raw_id_text(auth.raw_id().as_ref())
}

/// A credential id as the table keys it (base64url).
pub fn raw_id_text(raw: &[u8]) -> String {
    B64.encode(raw)
}

/// A public key as the table keeps it (Ed25519, P-256, P-384 or RSA).
type StoredKey = StaticState<CompressedPubKey<[u8; 32], [u8; 32], [u8; 48], Vec<u8>>>;

/// How a verified assertion left the credential, or why it failed.
pub enum Asserted {
    /// The credential's new state, and whether this assertion (not an
    /// earlier one: the state's flag sticks) verified its user.
    Ok {
        state: DynamicState,
        user_verified: bool,
    },
    /// The counter did not grow: a cloned authenticator, maybe.
    CounterBackwards,
}

/// A credential as `webauthn_rp` verifies it.
type Stored<'a> = AuthenticatedCredential<
    'a,
    'a,
    HANDLE_LEN,
    CompressedPubKey<[u8; 32], [u8; 32], [u8; 48], Vec<u8>>,
>;
type Checks<'a> = AuthenticationVerificationOptions<'a, 'a, &'a str, &'a str>;

/// What the table keeps about a credential: its owner, its public key
/// (`static_state`) and its counter and flags (`dynamic_state`).
pub struct Kept<'a> {
    pub owner: &'a UserId,
    pub static_state: &'a str,
    pub dynamic_state: &'a str,
}

/// A ceremony's server state, as the table keeps it, and the assertions
/// it verifies: discoverable (`D`: a username-less sign-in) or not (a
/// second factor, `allowCredentials` named).
pub trait Ceremony<const D: bool>: for<'b> Decode<Input<'b> = &'b [u8], Err: Debug> {
    fn check(
        self,
        rp: &Relying,
        auth: &Authentication<HANDLE_LEN, D>,
        cred: &mut Stored<'_>,
        options: &Checks<'_>,
    ) -> Result<bool, AuthCeremonyErr>;
}

impl Ceremony<true> for DiscoverableAuthenticationServerState {
    fn check(
        self,
        rp: &Relying,
        auth: &Authentication<HANDLE_LEN, true>,
        cred: &mut Stored<'_>,
        options: &Checks<'_>,
    ) -> Result<bool, AuthCeremonyErr> {
        self.verify(&rp.rp_id, auth, cred, options)
    }
}

impl Ceremony<false> for NonDiscoverableAuthenticationServerState {
    fn check(
        self,
        rp: &Relying,
        auth: &Authentication<HANDLE_LEN, false>,
        cred: &mut Stored<'_>,
        options: &Checks<'_>,
    ) -> Result<bool, AuthCeremonyErr> {
        self.verify(&rp.rp_id, auth, cred, options)
    }
}

/// Verifies `auth` against the ceremony's server state `S` (`state`, as
/// the table keeps it) and the credential as kept.
pub fn finish<S: Ceremony<D>, const D: bool>(
    rp: &Relying,
    state: &str,
    auth: &Authentication<HANDLE_LEN, D>,
    kept: &Kept<'_>,
) -> Result<Asserted, Error> {
    let corrupt = |e: &dyn Debug| Error::internal(format!("passkey record: {e:?}"));
    let bytes = B64.decode(state).map_err(|e| corrupt(&e))?;
    let server = S::decode(bytes.as_slice()).map_err(|e| corrupt(&e))?;
    let key_bytes = B64.decode(kept.static_state).map_err(|e| corrupt(&e))?;
    let key = StoredKey::decode(key_bytes.as_slice()).map_err(|e| corrupt(&e))?;
    let dynamic = decode_dynamic(kept.dynamic_state)?;
    let handle = handle_of(kept.owner);
    let raw_id = auth.raw_id();
    let id = CredentialId::<&[u8]>::decode(raw_id.as_ref()).map_err(|e| corrupt(&e))?;
    let mut cred =
        AuthenticatedCredential::new(id, &handle, key, dynamic).map_err(|e| corrupt(&e))?;
    let origins: Vec<&str> = rp.origins.iter().map(String::as_str).collect();
    let options = Checks {
        allowed_origins: &origins,
        update_uv: true,
        ..Default::default()
    };
    match server.check(rp, auth, &mut cred, &options) {
        Ok(_) => Ok(Asserted::Ok {
            state: cred.dynamic_state(),
            user_verified: AuthenticatorData::try_from(auth.response().authenticator_data())
                .is_ok_and(|data| data.flags().user_verified),
        }),
        Err(AuthCeremonyErr::SignatureCounter) => Ok(Asserted::CounterBackwards),
        Err(e) => Err(bad_response(format!("{e:?}"))),
    }
}

pub fn parse_second_factor(
    json: &[u8],
) -> Result<(NonDiscoverableAuthentication<HANDLE_LEN>, String), Error> {
    let auth = NonDiscoverableAuthentication::<HANDLE_LEN>::from_json_relaxed(json)
        .map_err(bad_response)?;
    let challenge = auth.challenge_relaxed().map_err(bad_response)?;
    Ok((auth, challenge_key(challenge)))
}

pub fn encode_dynamic(d: DynamicState) -> String {
    B64.encode(d.encode().unwrap_or_else(|e| match e {}))
}

fn decode_dynamic(raw: &str) -> Result<DynamicState, Error> {
    let bytes = B64
        .decode(raw)
        .map_err(|e| Error::internal(e.to_string()))?;
    let arr: [u8; 7] = bytes
        .try_into()
        .map_err(|_| Error::internal("passkey record: dynamic state"))?;
    DynamicState::decode(arr).map_err(|e| Error::internal(format!("passkey record: {e}")))
}

/// (backup eligible, backed up) of a credential's state.
pub fn backup_flags(d: DynamicState) -> (bool, bool) {
    match d.backup {
        Backup::NotEligible => (false, false),
        Backup::Eligible => (true, false),
        Backup::Exists => (true, true),
    }
}
