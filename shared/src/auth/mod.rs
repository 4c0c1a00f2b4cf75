//! The one auth core: every surface hashes, issues, checks and revokes
//! through these functions.

pub mod api_key;
pub mod bearer;
pub mod codes;
pub mod jwt;
pub mod keyring;
pub mod lockout;
pub mod login;
pub mod opaque;
pub mod password;
pub mod scopes;
pub mod session;
pub mod tokens;
pub mod totp;

pub use login::{verify_login, LoginError, LoginOk};
pub use opaque::OpaqueToken;
pub use tokens::{check_holder, issue, resolve, AuthError, IssuedToken};
