//! The gatekeeper: the one door every sign-in goes through, whichever
//! surface is called (the Accounts API, the Users API, the App Users API,
//! and every door added later). An account's protections are decided here
//! from the account's state, never by the surface:
//!
//! - the password, under the throttling rules of `domain::lockout` (a
//!   device that signed in before keeps its own budget; everyone else
//!   shares the account's growing lockout and their address's budget);
//! - a ban, and an address still waiting for its verification;
//! - the second factor: an account with 2FA on, or of a role the operator
//!   requires MFA for (`MFA_REQUIRED_ROLES`), completes no sign-in without
//!   it. A surface with a challenge step gets a challenge; one
//!   without passes the code with the password ([`Inline`]) or renders the
//!   challenge as its documented error;
//! - the completing write re-checks, under its condition, that the account
//!   still stands and the password checked is still its password.
//!
//! A surface chooses only what it issues ([`Issue`]). Nothing outside this
//! module completes a sign-in: `table`'s login writes are reached only from
//! here, and `functions/clippy.toml` forbids the surfaces to call them.

mod attempt;
mod audit;
mod challenge;
mod complete;
mod due;
mod network;
mod passkey;
mod password;
mod remember;
mod second_passkey;

pub use attempt::{Attempt, DEVICE_COOKIE};
pub use challenge::{answer_challenge, answer_challenge_remembering, Answer, Answered};
pub use complete::{Completed, FirstFactor, Issue, ACCOUNTS_TOKEN_KIND};
pub use due::role_requires_mfa;
pub use network::{sign_in_by_network, Prefetched};
pub use passkey::{prefetch_for_passkey, sign_in_by_passkey};
pub use second_passkey::{answer_with_passkey, passkey_may_answer, passkey_refused, Assertion};

use crate::AppState;
use domain::codes::{Challenge, Purpose};
use domain::metrics::{self, Metric};
use domain::{time, Email, Error, ErrorKind, User, UserId, Username, UsernameRule};
use password::Trust;
use table::Store;

/// Who is signing in, as typed.
#[derive(Clone)]
pub enum LoginName {
    Username(String),
    Email(String),
}

enum LookupKey {
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

impl LoginName {
    /// Whose account the name is, from its sentinel (one `GetItem`): what a
    /// surface reads beside the sign-in for its answer (the Users API's
    /// follower count). Never a verdict on the sign-in.
    pub async fn owner(&self, store: &Store) -> Result<Option<UserId>, Error> {
        Ok(match self.key() {
            None => None,
            Some(LookupKey::Username(key)) => store.username_owner(&key).await?,
            Some(LookupKey::Email(key)) => store.email_owner(&key).await?,
        })
    }
}

/// A second factor given with the password.
pub struct Inline {
    /// For an emailed code: the challenge it answers, and whose it is.
    pub challenge: Option<(UserId, Challenge)>,
    pub answer: Answer,
}

impl Inline {
    fn for_user(&self, user: &UserId) -> bool {
        self.challenge.as_ref().is_some_and(|(u, _)| u == user)
    }
}

/// How a sign-in ended.
pub enum SignedIn {
    Completed(Completed),
    /// The second factor is due: the code is on its way by email (none for
    /// TOTP, where the authenticator holds it).
    Challenge {
        user: User,
        challenge: Challenge,
    },
}

pub fn email_not_verified() -> Error {
    Error::new(
        ErrorKind::Forbidden,
        "email_not_verified",
        "verify the account's email address first: open the code's email",
    )
}

/// The rules of the account itself, after its password (or its challenge)
/// was right: an address waiting for its verification signs in nowhere.
/// (A ban is answered with the password, in `password::verify`.)
fn account_rules(user: &User) -> Result<(), Error> {
    if user.verification_pending {
        return Err(email_not_verified());
    }
    Ok(())
}

/// [`account_rules`], with a refusal written to the account's audit log.
async fn rules_noted(
    store: &Store,
    attempt: &Attempt,
    user: &User,
    first: complete::FirstFactor,
) -> Result<(), Error> {
    let ruled = account_rules(user);
    if ruled.is_err() {
        let reason = domain::audit::Failure::Unverified;
        audit::refused(store, &user.id, attempt, reason, first).await;
    }
    ruled
}

/// The password step, then the account's rules: every password sign-in.
async fn verify_standing(
    store: &Store,
    attempt: &Attempt,
    found: Option<User>,
    password: &str,
    trust: &Trust,
    hits: u32,
) -> Result<password::Verified, Error> {
    let verified = password::verify(store, attempt, found, password, trust, hits).await?;
    let first = complete::FirstFactor::Password;
    rules_noted(store, attempt, &verified.user, first).await?;
    Ok(verified)
}

/// Signs `name` in with `password` (and `inline`, a second factor given
/// with it), issuing `issue` when every rule of the account holds. Two
/// rounds: the account, the device, the address's budget (and an inline
/// challenge) read side by side; then one write.
#[tracing::instrument(skip_all, fields(issue = issue.kind()))]
pub async fn sign_in(
    state: &AppState,
    attempt: &Attempt,
    name: &LoginName,
    password: &str,
    inline: Option<Inline>,
    issue: Issue,
) -> Result<SignedIn, Error> {
    let result = sign_in_once(state, attempt, name, password, inline, issue).await;
    let outcome = match &result {
        Ok(SignedIn::Completed(_)) => "completed",
        Ok(SignedIn::Challenge { .. }) => "challenged",
        Err(e) => refusal(e),
    };
    metrics::count(Metric::SignIn, outcome);
    result
}

/// A challenge's answer, counted as a sign-in's outcome.
fn answer_counted(result: Result<Completed, Error>) -> Result<Completed, Error> {
    let outcome = match &result {
        Ok(_) => "completed",
        Err(e) => refusal(e),
    };
    metrics::count(Metric::SignIn, outcome);
    result
}

/// How a failed sign-in is counted: the caller's refusal, or ours.
fn refusal(e: &Error) -> &'static str {
    match e.kind {
        ErrorKind::Internal | ErrorKind::Unavailable => "error",
        _ => "refused",
    }
}

async fn sign_in_once(
    state: &AppState,
    attempt: &Attempt,
    name: &LoginName,
    password: &str,
    inline: Option<Inline>,
    issue: Issue,
) -> Result<SignedIn, Error> {
    let store = &state.store;
    let inline_slot = async {
        match inline.as_ref().and_then(|i| i.challenge.as_ref()) {
            Some((user, _)) => store.get_code_slot(user, Purpose::TwoFactor).await,
            None => Ok(None),
        }
    };
    let (found, device, hits, slot) = tokio::join!(
        find(store, name.key()),
        password::device(store, attempt),
        password::source_hits(store, attempt),
        inline_slot
    );
    let (found, device) = (found?, device?);
    let trust = Trust::of(attempt, device.clone(), found.as_ref(), time::now_ms());
    let verified = verify_standing(store, attempt, found, password, &trust, hits?).await?;
    let now = time::now_ms();
    let known = remember::trusted(attempt, device, &verified.user, now);
    let device = remember::keep(attempt, &verified.user, known.as_ref(), false);
    let first = complete::FirstFactor::Password;
    let due = due::second_factor_due(&state.config, &verified.user, first);
    if !due || remember::remembers(known.as_ref(), &verified.user, now) {
        let skipped = due.then_some(remember::SKIPPED);
        let proof = complete::Proof {
            first,
            checked_hash: &verified.user.password_hash.clone(),
            rehash: verified.rehash.as_deref(),
            second: None,
            events: audit::signed_in(attempt, first, skipped, &device.token),
        };
        let done = complete::complete(state, verified.user, issue, device, proof).await?;
        return Ok(SignedIn::Completed(done));
    }
    match inline {
        Some(given) => Ok(SignedIn::Completed(
            challenge::inline(state, attempt, verified, &given, slot?, issue, device).await?,
        )),
        None => challenge::open(store, verified.user, verified.rehash, first).await,
    }
}

/// Whether `password` is the account's, under the same budgets and rules
/// as a sign-in, issuing nothing (the App Users API backend's
/// `check/validate/`): the account, if it may sign in. `caller` is the
/// caller's own check (an API key), read beside the account: nothing is
/// verified, and no failure counted, unless it passes.
pub async fn check_password(
    state: &AppState,
    attempt: &Attempt,
    name: &LoginName,
    password: &str,
    caller: impl std::future::Future<Output = Result<(), Error>>,
) -> Result<User, Error> {
    let store = &state.store;
    let (caller, found, device, hits) = tokio::join!(
        caller,
        find(store, name.key()),
        password::device(store, attempt),
        password::source_hits(store, attempt)
    );
    caller?;
    let found = found?;
    let trust = Trust::of(attempt, device?, found.as_ref(), time::now_ms());
    let verified = verify_standing(store, attempt, found, password, &trust, hits?).await?;
    Ok(verified.user)
}

/// A signed-in caller proving themselves again with their password before
/// a sensitive change (2FA on or off, a new password, a new address):
/// counted like a sign-in from an untrusted client, with the same lockout.
pub async fn reauthenticate(
    state: &AppState,
    attempt: &Attempt,
    user: User,
    password: &str,
) -> Result<User, Error> {
    // The caller is signed in already: its address budget is counted on a
    // failure, not read first (that would be a third round trip).
    let verified = password::verify(
        &state.store,
        attempt,
        Some(user),
        password,
        &Trust::Untrusted,
        0,
    )
    .await?;
    Ok(verified.user)
}

async fn find(store: &Store, key: Option<LookupKey>) -> Result<Option<User>, Error> {
    Ok(match key {
        Some(LookupKey::Username(key)) => store.find_user_by_username(&key).await?,
        Some(LookupKey::Email(key)) => store.find_user_by_email(&key).await?,
        None => None,
    })
}
