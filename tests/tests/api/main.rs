//! End-to-end tests against the local emulator: one binary (CI links it
//! once), one module per surface or concern.

mod accounts;
mod api_keys;
mod app_backend;
mod app_settings;
mod app_stats;
#[allow(dead_code)]
mod app_support;
mod app_users;
mod audit;
mod audit_changes;
mod audit_pages;
mod audit_support;
mod cors;
mod e2e_http;
mod email_delivery;
mod email_people;
mod email_sweep;
mod events;
mod federation;
mod fuzz_regressions;
mod gate_addresses;
mod gate_csrf;
mod gate_cursors;
mod gate_lockout;
mod gate_mfa_roles;
mod gate_network;
mod gate_password_change;
mod gate_pictures;
mod gate_rate_limits;
mod gate_remember;
mod gate_secrets;
mod gate_sign_in;
mod gate_sites_scope;
#[allow(dead_code)]
mod gate_support;
mod gate_timing;
mod gate_tokens;
mod identity_flow;
mod lifecycle;
mod log_redaction;
mod no_server_errors;
mod oauth;
mod oidc;
mod oidc_consent;
mod oidc_logout;
mod oidc_tokens;
mod openapi;
mod pages;
mod pages_consent;
mod pages_join;
mod pages_lifecycle;
mod pages_network;
mod pages_passkeys;
#[allow(dead_code)]
mod pages_support;
mod passkeys;
mod passkeys_device;
mod passkeys_python;
mod passkeys_second_factor;
#[allow(dead_code)]
mod passkeys_support;
mod sdk_timeouts;
mod security_review;
mod sites;
mod sites_invitations;
mod sites_paging;
#[allow(dead_code)]
mod sites_support;
mod social_networks;
mod social_networks_shards;
mod template;
mod use_cases;
mod users;
mod users_2fa;
mod users_invites;
mod users_networks;
mod users_profile;
mod users_search;
mod users_sessions;
mod users_social;
mod users_social_races;
#[allow(dead_code)]
mod users_support;
mod users_totp;
mod webhooks;
mod webhooks_delivery;
mod webhooks_receiver;
#[allow(dead_code)]
mod webhooks_support;
