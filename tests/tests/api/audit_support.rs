//! Helpers of the audit log tests: requests from a known address with a
//! known user agent (and cookies), and the log read back through
//! `GET /user/me/security-events` or the store.

use axum::extract::ConnectInfo;
use domain::UserId;
use http::{Method, StatusCode};
use platform_tests::{Reply, TestEnv};
use serde_json::Value;
use std::net::SocketAddr;
use table::AuditRecord;

pub const IP: &str = "198.51.100.23";
pub const UA: &str = "audit-tests/1.0 (X11; Linux)";

/// A request from [`IP`] with [`UA`] and the given extra headers.
pub async fn from_client(
    env: &TestEnv,
    method: Method,
    uri: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> Reply {
    let mut all = vec![("host", "api.example.com"), ("user-agent", UA)];
    all.extend_from_slice(headers);
    let mut req = crate::users_support::request(method, uri, body, &all);
    let addr: SocketAddr = format!("{IP}:40000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    env.send(req).await
}

/// Every event of `user`, newest first, from the store.
pub async fn events_of(env: &TestEnv, user: &str) -> Vec<AuditRecord> {
    let id = UserId::parse(user).unwrap();
    let page = env
        .state
        .store
        .security_events(&id, 100, None)
        .await
        .unwrap()
        .unwrap();
    page.items
}

/// The kinds of `events`, newest first.
pub fn kinds(events: &[AuditRecord]) -> Vec<&'static str> {
    events.iter().map(|e| e.kind.as_str()).collect()
}

/// The newest event of `kind` (it must exist).
pub fn newest<'a>(events: &'a [AuditRecord], kind: &str) -> &'a AuditRecord {
    events
        .iter()
        .find(|e| e.kind.as_str() == kind)
        .unwrap_or_else(|| panic!("no {kind} in {:?}", kinds(events)))
}

/// The events page the API answers `headers` with (must be 200).
pub async fn api_page(env: &TestEnv, query: &str, headers: &[(&str, &str)]) -> Value {
    let uri = format!("/user/me/security-events{query}");
    let r = from_client(env, Method::GET, &uri, None, headers).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body["data"].clone()
}

/// A snapshot (`TestEnv::snapshot`) without the audit log's items: what a
/// refusal must leave as it was (it writes only its event).
pub fn without_events(snapshot: Vec<String>) -> Vec<String> {
    snapshot
        .into_iter()
        .filter(|item| !item.contains("pk=S(\"AUDIT#"))
        .collect()
}
