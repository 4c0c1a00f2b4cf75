//! Value types that can only be built through their validating constructor
//! ("parse, don't validate"), and the user record every surface shares.

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
pub use user::User;
pub use user_id::UserId;
pub use username::{Username, UsernameRule};
