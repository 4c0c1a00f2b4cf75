//! The second factor. A sign-in whose account has 2FA on is completed only
//! with it: on a surface with a challenge step, the password opens a
//! challenge (`sessionHash`, and for emailed codes a code on its way) that
//! the next request answers; on a surface without one (the Accounts API),
//! the code comes with the password. Five wrong codes end a challenge; the
//! code, TOTP step or recovery code is spent by the same transaction that
//! completes the sign-in, so of two racing callers exactly one wins.

use super::audit::{refused, second_factor, signed_in};
use super::complete::{complete, second_amr, Completed, FirstFactor, Issue, Proof};
use super::password::banned;
use super::remember::{self, Kept};
use super::{rules_noted, Attempt, SignedIn};
use crate::AppState;
use domain::audit::Failure;
use domain::codes::{same_hash, Challenge, Purpose, ShortCode, TWO_FACTOR_SEND_LIMIT};
use domain::totp::{accepted_step, RecoveryCode, TotpSecret};
use domain::{time, Error, Message, MessageKind, User, UserId};
use table::{CodeEffect, CodeSlot, DeviceRecord, RedeemError, Redemption, SecondFactor, Store};

/// What the caller typed for the second factor.
pub enum Answer {
    /// Six digits: emailed, or from the authenticator when TOTP is on.
    Short(ShortCode),
    Recovery(RecoveryCode),
}

impl Answer {
    /// Six digits or a recovery code; `None` for anything else.
    pub fn parse(raw: &str) -> Option<Self> {
        ShortCode::parse(raw)
            .map(Answer::Short)
            .or_else(|| RecoveryCode::parse(raw).map(Answer::Recovery))
    }
}

pub(super) fn invalid_code() -> Error {
    RedeemError::Invalid.into()
}

fn too_many_challenges() -> Error {
    TWO_FACTOR_SEND_LIMIT.refusal(
        "too_many_requests",
        "too many sign-in codes for this account; try again later",
    )
}

/// Opens a challenge for `user`, whose password was right. Every challenge
/// counts against the account's own budget (never the address's reset
/// budget), or a caller with the password could flood the inbox and draw
/// unlimited fresh codes to guess (with TOTP: unlimited sets of five).
pub(super) async fn open(
    store: &Store,
    user: User,
    rehash: Option<String>,
    first: FirstFactor,
) -> Result<SignedIn, Error> {
    if !store
        .hit_rate_limit(&TWO_FACTOR_SEND_LIMIT, user.id.as_str())
        .await?
    {
        return Err(too_many_challenges());
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
    slot.first_factor = first.stored();
    let message = emailed_code.as_ref().map(|code| {
        Message::to_user(&user, MessageKind::TwoFactorCode).with("code", code.expose())
    });
    store
        .put_code_noting(&slot, false, message.as_ref())
        .await?;
    Ok(SignedIn::Challenge { user, challenge })
}

/// What the answer proves: `Some(None)` for an emailed code (the slot's
/// deletion spends it), `Some(Some(f))` for a TOTP step or a recovery code,
/// which the completing write spends under its condition.
fn check(
    slot: Option<&CodeSlot>,
    challenge: Option<&Challenge>,
    answer: &Answer,
    user: &User,
    now: i64,
) -> Option<Option<SecondFactor>> {
    match (user.totp_secret.as_deref(), answer) {
        (Some(secret), Answer::Short(code)) => {
            let secret = TotpSecret::parse(secret)?;
            accepted_step(secret.bytes(), code.expose(), now, user.totp_last_step)
                .map(|step| Some(SecondFactor::TotpStep(step)))
        }
        (Some(_), Answer::Recovery(code)) => {
            let hash = code.hash(&user.id);
            user.recovery_codes
                .contains_key(&hash)
                .then_some(Some(SecondFactor::Recovery(hash)))
        }
        (None, Answer::Short(code)) => {
            same_hash(&slot?.code_hash, &code.hash(challenge?)).then_some(None)
        }
        (None, Answer::Recovery(_)) => None,
    }
}

/// The live slot of `challenge`, if `slot` is it.
pub(super) fn live<'a>(
    slot: Option<&'a CodeSlot>,
    challenge: &Challenge,
    now: i64,
) -> Option<&'a CodeSlot> {
    slot.filter(|s| s.is_live(now)).filter(|s| {
        s.challenge_hash
            .as_deref()
            .is_some_and(|h| same_hash(h, &challenge.hash()))
    })
}

/// Completes the sign-in of `target` that opened `challenge` (the Users
/// API's `/user/do-2fa`): the password was checked when it opened.
pub async fn answer_challenge(
    state: &AppState,
    attempt: &Attempt,
    target: &UserId,
    challenge: &Challenge,
    answer: &Answer,
    issue: Issue,
) -> Result<Completed, Error> {
    let answered = Answered {
        answer,
        issue,
        remember: false,
    };
    answer_challenge_remembering(state, attempt, target, challenge, answered).await
}

/// An answer to a challenge, what it issues, and whether to remember the
/// device for the second factor (30 days, `gate::remember`).
pub struct Answered<'a> {
    pub answer: &'a Answer,
    pub issue: Issue,
    pub remember: bool,
}

/// [`answer_challenge`], remembering the device when asked.
#[tracing::instrument(skip_all)]
pub async fn answer_challenge_remembering(
    state: &AppState,
    attempt: &Attempt,
    target: &UserId,
    challenge: &Challenge,
    answered: Answered<'_>,
) -> Result<Completed, Error> {
    let result = async {
        let Answered {
            answer,
            issue,
            remember,
        } = answered;
        let (slot, user, device) = tokio::join!(
            state.store.get_code_slot(target, Purpose::TwoFactor),
            state.store.get_user(target),
            super::password::device(&state.store, attempt)
        );
        let now = time::now_secs();
        let slot = slot?;
        let slot = live(slot.as_ref(), challenge, now).ok_or_else(invalid_code)?;
        let user = user?.ok_or_else(invalid_code)?;
        let Some(second) = check(Some(slot), Some(challenge), answer, &user, now) else {
            count_failure(&state.store, attempt, target, Some(slot)).await?;
            return Err(invalid_code());
        };
        let answered = (second, issue, remember);
        settle(state, attempt, user, slot, answered, device?).await
    }
    .await;
    super::answer_counted(result)
}

/// The rest of a right answer to `slot`'s challenge: the account must
/// still stand, then the challenge is spent and the sign-in completed.
pub(super) async fn settle(
    state: &AppState,
    attempt: &Attempt,
    user: User,
    slot: &CodeSlot,
    (second, issue, remember): (Option<SecondFactor>, Issue, bool),
    known: Option<DeviceRecord>,
) -> Result<Completed, Error> {
    // A reset or logout-all since the password was checked voids the
    // challenge (the write re-checks this under its condition).
    if slot.issued_at < user.tokens_valid_after {
        return Err(invalid_code());
    }
    let first = FirstFactor::from_stored(slot.first_factor.as_deref());
    if user.banned {
        refused(&state.store, &user.id, attempt, Failure::Banned, first).await;
        return Err(banned());
    }
    rules_noted(&state.store, attempt, &user, first).await?;
    let known = remember::trusted(attempt, known, &user, time::now_ms());
    let device = remember::keep(attempt, &user, known.as_ref(), remember);
    redeem(state, attempt, user, slot, second, issue, device).await
}

/// A second factor given with the password (surfaces without a challenge
/// step): a TOTP or recovery code alone, or an emailed code with the
/// challenge it answers (`slot`, read beside the account).
pub(super) async fn inline(
    state: &AppState,
    attempt: &Attempt,
    verified: super::password::Verified,
    given: &super::Inline,
    slot: Option<CodeSlot>,
    issue: Issue,
    device: Kept,
) -> Result<Completed, Error> {
    let user = verified.user;
    let now = time::now_secs();
    let challenge = given.challenge.as_ref().map(|(_, c)| c);
    let slot = match challenge {
        Some(c) if given.for_user(&user.id) => live(slot.as_ref(), c, now),
        _ => None,
    };
    // A code without a live challenge (an authenticator's or a recovery
    // code) is a guess that no challenge's five attempts bound: each one
    // counts as a challenge against the account's budget.
    if slot.is_none()
        && !state
            .store
            .hit_rate_limit(&TWO_FACTOR_SEND_LIMIT, user.id.as_str())
            .await?
    {
        return Err(too_many_challenges());
    }
    let Some(second) = check(slot, challenge, &given.answer, &user, now) else {
        count_failure(&state.store, attempt, &user.id, slot).await?;
        return Err(invalid_code());
    };
    match (slot, second) {
        // An emailed code: its slot is spent with the completion.
        (Some(slot), None) => redeem(state, attempt, user, slot, None, issue, device).await,
        (_, second) => {
            let first = FirstFactor::Password;
            let named = second_factor(second.as_ref(), false);
            let proof = Proof {
                first,
                checked_hash: &user.password_hash.clone(),
                rehash: verified.rehash.as_deref(),
                second: second.as_ref(),
                events: signed_in(attempt, first, named, &device.token),
            };
            complete(state, user, issue, device, proof).await
        }
    }
}

/// A wrong code: counted on its challenge (if any), and written to the
/// account's log beside the count.
pub(super) async fn count_failure(
    store: &Store,
    attempt: &Attempt,
    user: &UserId,
    slot: Option<&CodeSlot>,
) -> Result<(), Error> {
    let first = FirstFactor::from_stored(slot.and_then(|s| s.first_factor.as_deref()));
    let counted = async {
        match slot {
            Some(slot) => {
                store
                    .count_code_failure(user, Purpose::TwoFactor, &slot.code_hash)
                    .await
            }
            None => Ok(()),
        }
    };
    let note = refused(store, user, attempt, Failure::WrongCode, first);
    let (counted, ()) = tokio::join!(counted, note);
    Ok(counted?)
}

/// Spends the challenge's slot and completes the sign-in in one write.
async fn redeem(
    state: &AppState,
    attempt: &Attempt,
    user: User,
    slot: &CodeSlot,
    second: Option<SecondFactor>,
    issue: Issue,
    device: Kept,
) -> Result<Completed, Error> {
    let first = FirstFactor::from_stored(slot.first_factor.as_deref());
    let named = Some(second_amr(second.as_ref()));
    let issued = super::complete::issue_for(state, &user, issue, first, named);
    let (device, record) = (device.token, device.record);
    let device_hash = device.hash();
    let named = second_factor(second.as_ref(), true);
    let mut events = signed_in(attempt, first, named, &device);
    if let Some(SecondFactor::Passkey(used)) = &second {
        // The sign-in (last) names the passkey.
        let named = events.pop().map(|e| e.with("passkey", used.name.as_str()));
        events.extend(named);
    }
    let redeemed = state
        .store
        .redeem_code(&Redemption {
            user: &user.id,
            purpose: Purpose::TwoFactor,
            code_hash: &slot.code_hash,
            pointer: false,
            effect: CodeEffect::Login {
                token_hash: &issued.hash,
                record: &issued.record,
                rehash: slot.payload.as_deref(),
                verified_at: slot.issued_at,
                second: second.as_ref(),
                device: (&device_hash, &record),
            },
            notice: None,
            audit: &events,
        })
        .await;
    if let (Err(RedeemError::Invalid), Some(_)) = (&redeemed, &second) {
        // A replayed TOTP step or spent recovery code is a wrong guess too.
        count_failure(&state.store, attempt, &user.id, Some(slot)).await?;
    }
    match redeemed {
        Ok(()) => Ok(Completed {
            user,
            issue,
            token: issued.token,
            device,
        }),
        Err(e) => Err(e.into()),
    }
}
