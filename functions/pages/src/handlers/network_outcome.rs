//! What a proven network account leads to (docs/api/social-networks.md,
//! "Signing in with a network"):
//! - linked to an account: that account signs in through the gatekeeper
//!   (its ban, verification and second factor hold), and the network's
//!   authorization is counted (at most once per `cooldown_time`);
//! - not linked, and the network takes registrations: a new account,
//!   linked and counted as a registration; its address verified only when
//!   the network asserts it (else a code is emailed first);
//! - not linked, and a verified account owns the address: nothing is
//!   linked by email alone; the browser is offered the link
//!   ([`super::network_confirm`]) once someone signs in there;
//! - registration closed, or no address shared: a page, nothing written.

use super::second_factor::challenge_page;
use crate::context::Ctx;
use crate::render::see_other;
use axum::response::Response;
use domain::{Email, Error, ErrorKind, Password, PersonName, User, UserId, Username, UsernameRule};
use federation::ExternalIdentity;
use identity::gate::{sign_in_by_network, Attempt, Issue, SignedIn};
use identity::sign_up::{sign_up, FirstStep, NewUser, SignedUp};
use identity::AppState;
use rand::Rng;
use socialnetworks::store::{LinkError, NetworkRecord, NetworksStore};

fn refusal(code: &'static str, message: &'static str) -> Error {
    Error::new(ErrorKind::Forbidden, code, message)
}

/// Signs in (or registers) the person `who` proved at `network`.
pub async fn settle(
    state: &AppState,
    attempt: &Attempt,
    ctx: &Ctx,
    network: &NetworkRecord,
    who: &ExternalIdentity,
    return_to: &str,
) -> Result<Response, Error> {
    let store = NetworksStore::of(state);
    let snapshot = store
        .authorization_snapshot(network.id, &who.subject)
        .await?;
    let linked = match &snapshot.account {
        Some(account) => Some(
            state
                .store
                .user_id_by_seq(account.user_seq)
                .await?
                .ok_or_else(|| Error::not_found("the linked account is gone"))?,
        ),
        None => None,
    };
    let user = match &linked {
        Some(user) => user.clone(),
        None if address_owned(state, who).await? => {
            return super::network_confirm::offer(state, network, who).await;
        }
        None => register(state, attempt, network, who).await?,
    };
    let signed = sign_in_by_network(state, attempt, &user, Issue::Session).await?;
    if linked.is_some() {
        count(&store, network.id, &who.subject, snapshot).await;
    }
    let lang = ctx.lang(None);
    Ok(match signed {
        SignedIn::Completed(done) => see_other(return_to, done.cookies()),
        SignedIn::Challenge { user, challenge } => {
            challenge_page(lang, &user, challenge.expose(), return_to).render(ctx, lang)
        }
    })
}

/// The authorization in the network's statistics; within the cooldown a
/// sign-in is not counted again (it still signs in).
async fn count(
    store: &NetworksStore<'_>,
    network: u64,
    subject: &str,
    snapshot: socialnetworks::store::AuthorizationSnapshot,
) {
    match store.record_authorization(network, subject, snapshot).await {
        Ok(_) | Err(LinkError::Cooldown { .. }) => {}
        Err(e) => tracing::warn!(network, error = %e, "authorization not counted"),
    }
}

/// Whether a verified account owns the address the network gave.
async fn address_owned(state: &AppState, who: &ExternalIdentity) -> Result<bool, Error> {
    let Some(email) = who.email.as_deref().and_then(|e| Email::parse(e).ok()) else {
        return Ok(false);
    };
    Ok(state.store.email_owner(&email.key()).await?.is_some())
}

async fn register(
    state: &AppState,
    attempt: &Attempt,
    network: &NetworkRecord,
    who: &ExternalIdentity,
) -> Result<UserId, Error> {
    if !network.allow_to_register {
        return Err(refusal(
            "registration_closed",
            "this network does not register new accounts",
        ));
    }
    let email = who
        .email
        .as_deref()
        .and_then(|e| Email::parse(e).ok())
        .ok_or_else(|| refusal("network_no_email", "the network shared no email address"))?;
    let user = create(state, who, email).await?;
    let account = super::account_networks::account_of(who, &user.username);
    let store = NetworksStore::of(state);
    let snapshot = store.link_snapshot(network.id, user.seq).await?;
    let event = attempt.event(domain::audit::Kind::NetworkLinked);
    store
        .link_account(network.id, user.seq, &account, true, snapshot, &event)
        .await
        .map_err(Error::from)?;
    Ok(user.id)
}

fn email_taken() -> Error {
    refusal(
        "network_email_taken",
        "an account with this address exists: sign in with its password, then link the network from the account page",
    )
}

/// The account: a fresh username from what the network calls the person
/// (three tries against a taken one), a password nobody knows (a reset sets
/// one), the address verified only when the network vouches for it.
async fn create(state: &AppState, who: &ExternalIdentity, email: Email) -> Result<User, Error> {
    let (first, last) = names(who, &email);
    for _ in 0..3 {
        let new = NewUser {
            username: fresh_username(who, &email)?,
            email: email.clone(),
            password: unguessable()?,
            first_name: first.clone(),
            last_name: last.clone(),
            phone: None,
            study_group: None,
        };
        let first_step = FirstStep::Verification {
            required: !who.email_verified,
        };
        match sign_up(state, new, first_step).await {
            Ok(SignedUp::Verified { user } | SignedUp::AwaitingVerification { user }) => {
                return Ok(user)
            }
            Ok(SignedUp::EmailTaken) => return Err(email_taken()),
            Ok(SignedUp::WithToken { .. }) => return Err(Error::internal("unexpected token")),
            Err(e) if e.code == "username_taken" => continue,
            Err(e) => return Err(e),
        }
    }
    Err(Error::unavailable("no free username; try again"))
}

fn fresh_username(who: &ExternalIdentity, email: &Email) -> Result<Username, Error> {
    let seed = who
        .login
        .as_deref()
        .unwrap_or_else(|| email.as_str().split('@').next().unwrap_or_default());
    let mut base: String = seed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(20)
        .collect::<String>()
        .to_lowercase();
    if base.len() < 3 {
        base = "member".into();
    }
    let suffix: u32 = rand::rng().random_range(0..1_000_000);
    Username::parse(&format!("{base}_{suffix:06}"), UsernameRule::USERS)
        .map_err(|e| Error::internal(format!("generated username: {e}")))
}

fn unguessable() -> Result<Password, Error> {
    let raw: String = (0..48)
        .map(|_| char::from(rand::rng().random_range(b'a'..=b'z')))
        .collect();
    Password::parse(&raw).map_err(|e| Error::internal(format!("generated password: {e}")))
}

fn names(who: &ExternalIdentity, email: &Email) -> (PersonName, PersonName) {
    let fallback = || PersonName::parse("Member").expect("a valid name");
    let full = who
        .name
        .clone()
        .or_else(|| who.login.clone())
        .unwrap_or_else(|| {
            email
                .as_str()
                .split('@')
                .next()
                .unwrap_or_default()
                .to_owned()
        });
    let (first, last) = full
        .trim()
        .split_once(' ')
        .unwrap_or((full.trim(), full.trim()));
    let first = PersonName::parse(first).unwrap_or_else(|_| fallback());
    let last = PersonName::parse(last.trim()).unwrap_or_else(|_| first.clone());
    (first, last)
}
