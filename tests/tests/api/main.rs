//! End-to-end tests against the local emulator: one binary (CI links it
//! once), one module per surface or concern.

mod accounts;
mod api_keys;
mod e2e_http;
mod events;
mod identity_flow;
mod log_redaction;
mod no_server_errors;
mod oauth;
mod security_review;
mod social_networks;
mod template;
mod use_cases;
mod users;
mod users_2fa;
mod users_profile;
#[allow(dead_code)]
mod users_support;
mod users_totp;
