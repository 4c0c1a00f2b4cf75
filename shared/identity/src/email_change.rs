//! An account's address, as one use case for every surface: asking for a
//! new one (a code to the new address, a notice to the old one, in the
//! user's language, in the caller's own transaction), and redeeming the
//! emailed code that proves an address (a new account's, or a change's).
//! An address becomes the account's when it is proven: its sentinel is
//! taken then, never on a mere claim (docs/decisions.md).

use crate::gate::Attempt;
use crate::AppState;
use aws_sdk_dynamodb::types::Put;
use domain::audit::Kind;
use domain::codes::{LinkCode, Purpose};
use domain::{Email, Error, Language, Message, MessageKind, User};
use serde::{Deserialize, Serialize};
use table::{CodeEffect, CodeSlot, RedeemError, Redemption};

/// What a change's code remembers (its slot's payload).
#[derive(Serialize, Deserialize)]
struct Change {
    old: String,
    new: String,
    old_verified: bool,
}

/// The user's language for their mail and pages (`Language::of`).
pub fn language_of(user: &User) -> Language {
    Language::of(user)
}

/// The writes that ask for `user`'s address to become `new`, for the
/// caller's transaction; `None` when `new` is the account's address and
/// verified already (letter case aside: an address is one whatever its
/// case). Asking for one's own unverified address sends it a code: that
/// is how an account made without a verification step (the Accounts and
/// App Users APIs) proves and takes its address.
pub fn request(state: &AppState, user: &User, new: &Email) -> Result<Option<Vec<Put>>, Error> {
    let current = Email::from_stored(user.email.clone());
    let same = current.key() == new.key();
    if same && user.email_verified {
        return Ok(None);
    }
    let code = LinkCode::generate();
    let mut slot = CodeSlot::new(&user.id, Purpose::ChangeEmail, code.hash());
    let change = Change {
        old: user.email.clone(),
        new: new.as_str().to_owned(),
        old_verified: user.email_verified,
    };
    slot.payload = Some(serde_json::to_string(&change).expect("three fields serialise"));
    let lang = Language::of(user);
    let mut puts = state.store.code_puts(&slot, true)?;
    let to_new =
        Message::new(new.as_str(), MessageKind::ChangeEmailCode).with("code", code.expose());
    puts.push(state.store.outbox_put(&to_new.in_language(lang))?);
    if !same {
        let to_old = Message::new(&user.email, MessageKind::EmailChangeRequested);
        puts.push(state.store.outbox_put(&to_old.in_language(lang))?);
    }
    Ok(Some(puts))
}

/// Redeems a code from an email: a new account's verification (the
/// account becomes usable and owns its address) or an address change (the
/// new address replaces the old, which hears of it in the same write).
#[tracing::instrument(skip_all)]
pub async fn redeem(state: &AppState, attempt: &Attempt, code: &LinkCode) -> Result<(), Error> {
    let hash = code.hash();
    let pointer = state
        .store
        .get_code_pointer(&hash)
        .await?
        .filter(|p| p.expires_at > domain::time::now_secs())
        .ok_or(RedeemError::Invalid)?;
    let payload = pointer.payload.as_deref().ok_or(RedeemError::Invalid)?;
    let changed = [attempt.event(Kind::EmailChanged)];
    let redemption = |purpose, effect, notice, audit| Redemption {
        user: &pointer.user_id,
        purpose,
        code_hash: &hash,
        pointer: true,
        effect,
        notice,
        audit,
    };
    match pointer.purpose() {
        Some(Purpose::VerifyEmail) => {
            let effect = CodeEffect::VerifyEmail { email: payload };
            let r = redemption(Purpose::VerifyEmail, effect, None, &[]);
            Ok(state.store.redeem_code(&r).await?)
        }
        Some(Purpose::ChangeEmail) => {
            let change: Change = serde_json::from_str(payload).map_err(|_| RedeemError::Invalid)?;
            let effect = CodeEffect::ChangeEmail {
                old: &change.old,
                new: &change.new,
                old_verified: change.old_verified,
            };
            // The old address hears of the change (not of its own proof).
            let same = change.old.eq_ignore_ascii_case(&change.new);
            let notice =
                Message::new(&change.old, MessageKind::EmailChanged).for_user(&pointer.user_id);
            let r = redemption(
                Purpose::ChangeEmail,
                effect,
                (!same).then_some(&notice),
                &changed,
            );
            Ok(state.store.redeem_code(&r).await?)
        }
        _ => Err(RedeemError::Invalid.into()),
    }
}
