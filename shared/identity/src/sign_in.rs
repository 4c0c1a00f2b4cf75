//! Login as one use case, for every surface that signs users in: find the
//! account, check the password (lockout, dummy verify for unknown users),
//! then either issue the surface's token and complete the login in one
//! transaction, or open a second-factor challenge. Handlers parse the
//! request, call [`sign_in`], and render the outcome.

use crate::login::verify_login;
use crate::AppState;
use domain::codes::{Challenge, Purpose, ShortCode, SEND_LIMIT};
use domain::{
    Email, Error, ErrorKind, Message, MessageKind, OpaqueToken, User, Username, UsernameRule,
};
use table::{CodeSlot, LoginWriteError, Store};

/// Who is logging in, as typed.
pub enum LoginName {
    Username(String),
    Email(String),
}

impl LoginName {
    /// The lookup key, or `None` when the text cannot name any account (it
    /// still costs one verify: same answer, same time).
    fn key(&self) -> Option<LookupKey> {
        match self {
            LoginName::Username(raw) => Username::parse(raw, UsernameRule::LOOKUP)
                .ok()
                .map(|n| LookupKey::Username(n.key())),
            LoginName::Email(raw) => Email::parse(raw).ok().map(|e| LookupKey::Email(e.key())),
        }
    }
}

enum LookupKey {
    Username(String),
    Email(String),
}

/// What the surface issues and demands.
pub struct SignInPolicy {
    /// The kind and lifetime of the token a completed login gets.
    pub token_kind: &'static str,
    pub token_ttl_secs: i64,
    /// Honour the user's 2FA setting (surfaces without a challenge step
    /// issue their token directly).
    pub second_factor: bool,
    /// Refuse accounts still waiting for their email verification.
    pub require_verified_email: bool,
}

pub enum SignedIn {
    /// The login is complete: the token is the only copy.
    Token { user: User, token: OpaqueToken },
    /// A second factor is due: the code is on its way by email (none for
    /// TOTP, where the authenticator holds it).
    Challenge { user: User, challenge: Challenge },
}

pub fn email_not_verified() -> Error {
    Error::new(
        ErrorKind::Forbidden,
        "email_not_verified",
        "verify the account's email address first (POST /user/verify-email)",
    )
}

pub fn too_many_requests() -> Error {
    Error::new(
        ErrorKind::RateLimited,
        "too_many_requests",
        "too many requests for this address; try again later",
    )
}

#[tracing::instrument(skip_all, fields(token_kind = policy.token_kind))]
pub async fn sign_in(
    state: &AppState,
    name: &LoginName,
    password: &str,
    policy: &SignInPolicy,
) -> Result<SignedIn, Error> {
    let found = find(&state.store, name.key()).await?;
    let login = verify_login(&state.store, found, password).await?;
    let user = login.user;
    if policy.require_verified_email && user.verification_pending {
        return Err(email_not_verified());
    }
    if policy.second_factor && user.two_factor_enabled {
        return open_challenge(&state.store, user, login.rehash).await;
    }
    let issued = crate::issue(policy.token_kind, &user.id, policy.token_ttl_secs);
    complete(&state.store, &user, &issued, login.rehash.as_deref()).await?;
    Ok(SignedIn::Token {
        user,
        token: issued.token,
    })
}

/// Writes the completed login; a user voided or deleted since the password
/// was checked answers as bad credentials, never a 500.
pub async fn complete(
    store: &Store,
    user: &User,
    issued: &crate::IssuedToken,
    rehash: Option<&str>,
) -> Result<(), Error> {
    match store
        .complete_login(
            &user.id,
            &user.password_hash,
            (&issued.hash, &issued.record),
            rehash,
        )
        .await
    {
        Ok(()) => Ok(()),
        Err(LoginWriteError::Voided) => Err(crate::LoginError::InvalidCredentials.into()),
        Err(LoginWriteError::Store(e)) => Err(e.into()),
    }
}

async fn find(store: &Store, key: Option<LookupKey>) -> Result<Option<User>, Error> {
    Ok(match key {
        Some(LookupKey::Username(key)) => store.find_user_by_username(&key).await?,
        Some(LookupKey::Email(key)) => store.find_user_by_email(&key).await?,
        None => None,
    })
}

/// Every challenge counts against the per-address send limit, or a caller
/// with the password could flood the inbox and draw unlimited fresh codes
/// to guess (with TOTP: unlimited sets of five attempts).
async fn open_challenge(
    store: &Store,
    user: User,
    rehash: Option<String>,
) -> Result<SignedIn, Error> {
    let address = Email::from_stored(user.email.clone()).key();
    if !store.hit_rate_limit(&SEND_LIMIT, &address).await? {
        return Err(too_many_requests());
    }
    let challenge = Challenge::generate();
    let emailed_code = user.totp_secret.is_none().then(ShortCode::generate);
    let code_hash = match &emailed_code {
        Some(code) => code.hash(&challenge),
        None => challenge.totp_marker(),
    };
    let mut slot = CodeSlot::new(&user.id, Purpose::TwoFactor, code_hash);
    slot.challenge_hash = Some(challenge.hash());
    slot.payload = rehash;
    let message = emailed_code.as_ref().map(|code| {
        Message::new(&user.email, MessageKind::TwoFactorCode).with("code", code.expose())
    });
    store
        .put_code_noting(&slot, false, message.as_ref())
        .await?;
    Ok(SignedIn::Challenge { user, challenge })
}
