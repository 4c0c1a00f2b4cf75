//! Sign-up as one use case, for every surface that creates accounts: the
//! password hash and the integer id are drawn side by side, then the user,
//! its uniqueness sentinels and what it needs next (its first token, or its
//! email verification code) are written in one transaction.

use crate::AppState;
use aws_sdk_dynamodb::types::Put;
use domain::codes::{LinkCode, Purpose, NOTICE_SEND_LIMIT};
use domain::password_hash;
use domain::{
    Email, Error, Message, MessageKind, OpaqueToken, Password, PersonName, StudyGroup, User,
    Username,
};
use table::{CodeSlot, CreateUserError};

/// A validated sign-up.
pub struct NewUser {
    pub username: Username,
    pub email: Email,
    pub password: Password,
    pub first_name: PersonName,
    pub last_name: PersonName,
    /// (country code, number), always together.
    pub phone: Option<(String, String)>,
    pub study_group: Option<StudyGroup>,
}

/// What the new account gets in the same write.
pub enum FirstStep {
    /// A token of `kind`, the account usable at once (the Accounts API).
    Token { kind: &'static str, ttl_secs: i64 },
    /// An email verification code when `required`, else a verified
    /// address (the Users API's `require-email-verification`).
    Verification { required: bool },
}

/// How the sign-up ended. Every message it sends (the verification code,
/// a welcome, a notice to the owner of the address) is queued in the
/// outbox by the sign-up itself. Which ending a caller sees never tells
/// whether the address was registered: an address belongs to the account
/// that verified it, and an unverified claim blocks nobody
/// (docs/decisions.md, "An address belongs to whoever verifies it").
pub enum SignedUp {
    /// The account is usable at once; its address is an unverified claim.
    WithToken { user: User, token: OpaqueToken },
    /// The verification code is on its way to the new address.
    AwaitingVerification { user: User },
    /// Welcomed; the address counts as verified.
    Verified { user: User },
    /// Nothing created: a verified account owns the address, and its owner
    /// is told (within the address's notice budget). The surface answers
    /// as for [`SignedUp::AwaitingVerification`].
    EmailTaken,
}

/// A surface's own writes that must land with the account (the Users
/// API's used invite code), built for the new user once it has its id.
pub type ExtraWrites = Box<dyn FnOnce(&User) -> Result<Vec<Put>, Error> + Send>;

#[tracing::instrument(skip_all)]
pub async fn sign_up(state: &AppState, new: NewUser, first: FirstStep) -> Result<SignedUp, Error> {
    sign_up_with(state, new, first, async { Ok(None) }).await
}

/// [`sign_up`] with `extra`: read beside the password hash and the
/// integer id (so still two round trips), written in the create transaction.
pub async fn sign_up_with(
    state: &AppState,
    new: NewUser,
    first: FirstStep,
    extra: impl std::future::Future<Output = Result<Option<ExtraWrites>, Error>>,
) -> Result<SignedUp, Error> {
    sign_up_setting(state, new, first, extra, |_| {}).await
}

/// [`sign_up_with`] where the surface also sets fields of its own on the
/// new record before it is written (the App Users API's country and city).
/// Two rounds: the hash, the integer id, the surface's read, the address's
/// verified owner and its notice budget side by side; then one write.
pub async fn sign_up_setting(
    state: &AppState,
    new: NewUser,
    first: FirstStep,
    extra: impl std::future::Future<Output = Result<Option<ExtraWrites>, Error>>,
    set: impl FnOnce(&mut User),
) -> Result<SignedUp, Error> {
    let key = new.email.key();
    let (hash, seq, extra, owner, notices) = tokio::join!(
        password_hash::hash(new.password.expose()),
        state.store.next_user_seq(),
        extra,
        state.store.email_owner(&key),
        state.store.rate_hits(&NOTICE_SEND_LIMIT, &key)
    );
    let extra = extra?;
    let owner = owner?;
    let owned = owner.is_some();
    // The owner's notice (in the owner's language, which the notifier
    // reads) and its count, written with the rest (or not at all when the
    // budget is spent, or the request refused).
    let budget_left = owned && notices? < NOTICE_SEND_LIMIT.max;
    let notice = match owner.filter(|_| budget_left) {
        Some(owner) => Some((
            state.store.outbox_put(
                &Message::new(new.email.as_str(), MessageKind::AlreadyRegistered).for_user(&owner),
            )?,
            state.store.rate_bump(&NOTICE_SEND_LIMIT, &key)?,
        )),
        None => None,
    };
    let claims_address = matches!(first, FirstStep::Verification { .. });
    if owned && claims_address {
        // The address has its verified owner: nothing is created, the
        // owner hears of it, and the caller cannot tell (the same width of
        // write as a creation).
        let (put, bump) = notice.unzip();
        state.store.write_padded(put, bump, CREATE_WIDTH).await?;
        return Ok(SignedUp::EmailTaken);
    }
    let mut user = User::new(
        seq?,
        new.username.as_str().to_owned(),
        new.email.as_str().to_owned(),
        hash,
    );
    user.first_name = Some(new.first_name.into_inner());
    user.last_name = Some(new.last_name.into_inner());
    user.study_group = new.study_group.map(StudyGroup::into_inner);
    if let Some((cc, number)) = new.phone {
        user.phone_country_code = Some(cc);
        user.phone = Some(number);
    }
    set(&mut user);
    let (mut writes, next) = first_step(state, &mut user, first)?;
    // The search index entries (Users API search) land with the account.
    writes.extend(table::search_index::index_puts(state.store.table(), &user)?);
    if let Some(extra) = extra {
        writes.extend(extra(&user)?);
    }
    // An unverified claim on an owned address: the owner hears of it.
    let (notice, bump) = notice.unzip();
    writes.extend(notice);
    match state.store.create_user_with(&user, writes, bump).await {
        Ok(user) => Ok(match next {
            Next::Token(token) => SignedUp::WithToken { user, token },
            Next::Code => SignedUp::AwaitingVerification { user },
            Next::Welcome => SignedUp::Verified { user },
        }),
        // Verified at creation, and someone verified it a moment earlier.
        Err(CreateUserError::EmailTaken) => Ok(SignedUp::EmailTaken),
        Err(e) => Err(e.into()),
    }
}

/// Items in a sign-up's create transaction with a verification code (user,
/// username and integer-id sentinels, slot, pointer, outbox, two search
/// entries): the width a hidden sign-up's write is padded to.
const CREATE_WIDTH: usize = 8;

enum Next {
    Token(OpaqueToken),
    Code,
    Welcome,
}

fn first_step(
    state: &AppState,
    user: &mut User,
    first: FirstStep,
) -> Result<(Vec<aws_sdk_dynamodb::types::Put>, Next), Error> {
    Ok(match first {
        FirstStep::Token { kind, ttl_secs } => {
            let issued = crate::issue(kind, &user.id, ttl_secs);
            let put = state.store.token_put(&issued.hash, &issued.record)?;
            (vec![put], Next::Token(issued.token))
        }
        FirstStep::Verification { required: true } => {
            let code = LinkCode::generate();
            user.verification_pending = true;
            let mut slot = CodeSlot::new(&user.id, Purpose::VerifyEmail, code.hash());
            // The address the code proves, as it was sent to.
            slot.payload = Some(user.email.clone());
            let mut puts = state.store.code_puts(&slot, true)?;
            let message =
                Message::to_user(user, MessageKind::VerificationCode).with("code", code.expose());
            puts.push(state.store.outbox_put(&message)?);
            (puts, Next::Code)
        }
        FirstStep::Verification { required: false } => {
            user.email_verified = true;
            user.email_verified_at = Some(domain::time::now());
            let welcome = Message::to_user(user, MessageKind::Welcome);
            (vec![state.store.outbox_put(&welcome)?], Next::Welcome)
        }
    })
}
