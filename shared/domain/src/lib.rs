//! The platform's domain: value types that can only be built through their
//! validating constructor ("parse, don't validate"), the user record every
//! surface shares, the policies of secrets, codes and lockouts, and the one
//! error kind every layer returns. No AWS, no HTTP.

mod email;
mod invalid;
mod password;
mod person_name;
mod phone;
mod role;
mod study_group;
mod user;
mod user_id;
mod username;

pub use email::Email;
pub use invalid::{FieldError, Invalid};
pub use password::Password;
pub use person_name::PersonName;
pub use phone::{Phone, PhoneCountryCode};
pub use role::Role;
pub use study_group::StudyGroup;
pub use user::{PrivacySettings, User};
pub use user_id::UserId;
pub use username::{Username, UsernameRule};

pub mod audit;
pub mod codes;
pub mod error;
pub mod lockout;
pub mod message;
pub mod metrics;
pub mod opaque;
pub mod password_hash;
mod permission;
mod rate_limit;
pub mod scopes;
pub mod sealed;
pub mod time;
pub mod totp;

pub use error::{Error, ErrorKind, IntoError};
pub use message::{Language, Message, MessageKind, MessageOwner};
pub use opaque::OpaqueToken;
pub use permission::Permission;
pub use rate_limit::{Budget, RateLimit};
