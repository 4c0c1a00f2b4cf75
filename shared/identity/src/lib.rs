//! Identity over `domain` and `table`: who a caller is (sessions, opaque
//! tokens, bearer JWTs, API keys), the signing keys, and the
//! use cases every surface calls (sign-up, login, logout, reset, profile
//! update). Surfaces render; they never stitch these steps themselves.

pub mod api_key;
pub mod bearer;
mod config;
pub mod consent;
pub mod cookies;
pub mod email_change;
mod errors_out;
pub mod gate;
pub mod jwt;
pub mod keyring;
pub mod logout;
mod low_s;
pub mod password_reset;
pub mod profile_update;
pub mod session;
pub mod sessions;
pub mod sign_up;
mod state;
pub mod tokens;
pub mod totp;

pub use config::{product_name, Config, DEFAULT_PRODUCT_NAME};
pub use errors_out::invalid_token;
pub use state::AppState;
pub use tokens::{check_holder, issue, resolve, AuthError, IssuedToken};
