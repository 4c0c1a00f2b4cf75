pub mod account;
pub mod auth;
pub mod create;
pub mod exists;
pub mod get_bio;
pub mod list_accounts;
pub mod preferences;
pub mod update_role;
