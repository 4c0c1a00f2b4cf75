//! Sign-up as one use case, for every surface that creates accounts: the
//! password hash and the integer id are drawn side by side, then the user,
//! its uniqueness sentinels and what it needs next (its first token, or its
//! email verification code) are written in one transaction.

use crate::AppState;
use domain::codes::{LinkCode, Purpose, SEND_LIMIT};
use domain::password_hash;
use domain::{Email, Error, OpaqueToken, Password, PersonName, StudyGroup, User, Username};
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

/// How a taken email is answered.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TakenEmail {
    /// 409 naming the field.
    Refuse,
    /// Like a success, so sign-up does not reveal who is registered.
    Hide,
}

pub enum SignedUp {
    WithToken {
        user: User,
        token: OpaqueToken,
    },
    /// The code to mail to the new address.
    AwaitingVerification {
        user: User,
        code: LinkCode,
    },
    Verified {
        user: User,
    },
    /// Hidden: the address was registered already. `notify` is whether the
    /// per-address send limit allows telling its owner.
    EmailTaken {
        notify: bool,
    },
}

#[tracing::instrument(skip_all)]
pub async fn sign_up(
    state: &AppState,
    new: NewUser,
    first: FirstStep,
    taken_email: TakenEmail,
) -> Result<SignedUp, Error> {
    let (hash, seq) = tokio::join!(
        password_hash::hash(new.password.expose()),
        state.store.next_user_seq()
    );
    let email = new.email.clone();
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
    let (extra, next) = first_step(state, &mut user, first)?;
    match state.store.create_user_with(&user, extra).await {
        Ok(user) => Ok(match next {
            Next::Token(token) => SignedUp::WithToken { user, token },
            Next::Code(code) => SignedUp::AwaitingVerification { user, code },
            Next::Nothing => SignedUp::Verified { user },
        }),
        Err(CreateUserError::EmailTaken) if taken_email == TakenEmail::Hide => {
            let notify = state
                .store
                .hit_rate_limit(&SEND_LIMIT, &email.key())
                .await?;
            Ok(SignedUp::EmailTaken { notify })
        }
        Err(e) => Err(e.into()),
    }
}

enum Next {
    Token(OpaqueToken),
    Code(LinkCode),
    Nothing,
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
            let slot = CodeSlot::new(&user.id, Purpose::VerifyEmail, code.hash());
            (state.store.code_puts(&slot, true)?, Next::Code(code))
        }
        FirstStep::Verification { required: false } => {
            user.email_verified = true;
            user.email_verified_at = Some(domain::time::now());
            (Vec::new(), Next::Nothing)
        }
    })
}
