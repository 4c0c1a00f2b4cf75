//! The document's response shapes.

use crate::rules::NOTIFICATIONS;
use crate::store::NotificationRecord;
use axum::Json;
use domain::User;
use serde_json::{json, Value};

/// `{"status": "success", "message": …}`.
pub fn done(message: &str) -> Json<Value> {
    Json(json!({ "status": "success", "message": message }))
}

pub fn language(user: &User) -> &str {
    user.language.as_deref().unwrap_or("en")
}

/// A setting not stored yet is on.
pub fn setting(user: &User, code: &str) -> bool {
    user.notification_settings
        .get(code)
        .copied()
        .unwrap_or(true)
}

pub fn preferences(user: &User) -> Value {
    let notifications: serde_json::Map<String, Value> = NOTIFICATIONS
        .iter()
        .map(|(code, _)| (code.to_string(), json!(setting(user, code))))
        .collect();
    json!({
        "user_id": user.seq,
        "preferences": {
            "language": language(user),
            "notifications": notifications,
            "categories": user.categories,
            "networks": user.networks,
            "privacy_settings": user.privacy_settings,
        }
    })
}

pub fn notification_settings(user: &User) -> Value {
    let list: Vec<Value> = NOTIFICATIONS
        .iter()
        .map(|(code, name)| json!({ "name": name, "code": code, "status": setting(user, code) }))
        .collect();
    json!({
        "user_id": user.seq,
        "user_notifications": list,
        "not_found_message": "No notifications to display",
    })
}

pub fn iso(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub fn notification(n: &NotificationRecord) -> Value {
    let mut v = json!({
        "id": n.id,
        "user_id": n.user_id,
        "title": n.title,
        "message": n.message,
        "type": n.kind,
        "read": n.read,
        "created_at": iso(n.created_at),
    });
    if let Some(data) = n
        .data
        .as_deref()
        .and_then(|d| serde_json::from_str::<Value>(d).ok())
    {
        v["data"] = data;
    }
    v
}

/// `active`, `banned`, or `inactive` (address not verified yet).
pub fn status(user: &User) -> Value {
    let status = if user.banned {
        "banned"
    } else if user.verification_pending {
        "inactive"
    } else {
        "active"
    };
    json!({
        "status": status,
        "joined_date": user.created_at.format("%Y-%m-%d").to_string(),
        "last_login": user.last_login.map(iso),
        "total_campaigns": 0,
        "total_earnings": 0,
    })
}
