//! Every key format of the table, in one place. Partition keys are
//! `KIND#identity`; the sort key names the item's role within it.

use crate::domain::UserId;

pub const USER_SK: &str = "PROFILE";
pub const SENTINEL_SK: &str = "UNIQUE";
pub const TOKEN_SK: &str = "TOKEN";
pub const COUNTER_SK: &str = "COUNTER";

pub fn user(id: &UserId) -> String {
    format!("USER#{id}")
}

/// Sentinel that makes a username unique (case-insensitively).
pub fn username(key: &str) -> String {
    format!("USERNAME#{key}")
}

/// Sentinel that makes an email address unique (case-insensitively).
pub fn email(key: &str) -> String {
    format!("EMAIL#{key}")
}

/// Sentinel mapping a user's integer id to the user.
pub fn user_seq(seq: u64) -> String {
    format!("USERSEQ#{seq}")
}

pub fn token(hash: &str) -> String {
    format!("TOKEN#{hash}")
}

pub fn counter(name: &str) -> String {
    format!("COUNTER#{name}")
}

/// GSI1 partition of the accounts that `listAccounts` shows (ghost and
/// student); moderators carry no GSI1 attributes (sparse index).
pub const LISTED_ACCOUNTS: &str = "ACCOUNTS";

/// GSI2 partition for login by username.
pub fn login_name(key: &str) -> String {
    format!("LOGIN#{key}")
}

/// GSI sort key that orders users by creation.
pub fn by_creation(created_ms: i64, id: &UserId) -> String {
    format!("{created_ms:015}#{id}")
}

pub const GSI1: &str = "gsi1";
pub const GSI2: &str = "gsi2";
