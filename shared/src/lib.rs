//! The platform's common crate. Every surface (function) builds on it:
//! - `domain`: validated value types and the user record;
//! - `store`: the single DynamoDB table (keys, items, access patterns);
//! - `auth`: passwords, opaque tokens, login with lockout, revocation;
//! - `email`: the SES sender;
//! - `http`: request parsing, route tables, request logging without secrets.

pub mod auth;
pub mod aws;
pub mod config;
pub mod domain;
pub mod email;
pub mod http;
pub mod logging;
pub mod state;
pub mod store;
pub mod time;

pub use config::Config;
pub use state::AppState;
