use domain::time;
use domain::User;
use domain::{lockout, password_hash as password};
use table::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Unknown user, wrong password and locked account all give this.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Only said after the right password was given.
    #[error("account banned")]
    Banned,
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct LoginOk {
    pub user: User,
    /// A new hash to store when the parameters changed since the last one.
    pub rehash: Option<String>,
}

/// Checks `password` for the user the caller looked up (by username or
/// email). Unknown and locked users cost one argon2 verify like everyone
/// else, so neither the answer nor its timing tells who exists.
pub async fn verify_login(
    store: &Store,
    found: Option<User>,
    password: &str,
) -> Result<LoginOk, LoginError> {
    let now = time::now_ms();
    let Some(user) = found else {
        password::verify(password, None).await;
        return Err(LoginError::InvalidCredentials);
    };
    if user.locked_until.is_some_and(|until| until > now) {
        password::verify(password, None).await;
        return Err(LoginError::InvalidCredentials);
    }
    match password::verify(password, Some(&user.password_hash)).await {
        password::Verdict::Mismatch => {
            let failures = user.failed_logins.saturating_add(1);
            let until = lockout::lock_ms(failures).map(|ms| now + ms);
            store.record_login_failure(&user.id, until).await?;
            Err(LoginError::InvalidCredentials)
        }
        password::Verdict::Match { .. } if user.banned => Err(LoginError::Banned),
        password::Verdict::Match { needs_rehash } => {
            let rehash = if needs_rehash {
                Some(password::hash(password).await)
            } else {
                None
            };
            Ok(LoginOk { user, rehash })
        }
    }
}

/// A completed login that could not be written because the user was voided
/// or deleted meanwhile answers as bad credentials.
impl From<table::LoginWriteError> for LoginError {
    fn from(e: table::LoginWriteError) -> Self {
        match e {
            table::LoginWriteError::Voided => LoginError::InvalidCredentials,
            table::LoginWriteError::Store(e) => LoginError::Store(e),
        }
    }
}
