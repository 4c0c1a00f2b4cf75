//! The events a stream record stands for. Pure: the record's name, keys
//! and images (as JSON) in, the events out. Payload data carries the ids
//! the APIs use (`user_id` 24-hex, integer `id`, `username`), never a
//! secret, hash or token.

use serde_json::{json, Map, Value};

/// Every event type an endpoint can subscribe to (docs/webhooks.md).
pub const EVENT_TYPES: [&str; 12] = [
    "user.created",
    "user.updated",
    "user.deleted",
    "user.banned",
    "user.unbanned",
    "user.role_changed",
    "email.verified",
    "password.changed",
    "two_factor.enabled",
    "two_factor.disabled",
    "session.created",
    "invitation.accepted",
];

/// The profile fields whose change is a `user.updated` (never the login
/// bookkeeping: last_login, failed_logins, locked_until, tokens…).
const PROFILE_FIELDS: [&str; 23] = [
    "username",
    "email",
    "first_name",
    "last_name",
    "patronymic",
    "study_group",
    "tg_id",
    "gender",
    "bio",
    "designation",
    "pronouns",
    "custom_link",
    "custom_data",
    "phone_country_code",
    "phone",
    "profile_picture_key",
    "is_private",
    "language",
    "timezone",
    "sex",
    "birth_date",
    "country_id",
    "city_id",
];

/// One event, before it is addressed to an endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub kind: &'static str,
    pub data: Value,
}

/// A stream record as the mapping needs it.
pub struct Change<'a> {
    /// `INSERT`, `MODIFY` or `REMOVE`.
    pub name: &'a str,
    pub pk: &'a str,
    pub sk: &'a str,
    pub old: Option<&'a Value>,
    pub new: Option<&'a Value>,
}

pub fn events_of(change: &Change) -> Vec<Event> {
    if change.pk.starts_with("USER#") && change.sk == table::keys::USER_SK {
        return user_events(change);
    }
    if change.pk.starts_with("SITE#") && change.sk.starts_with("INVITATION#") {
        return invitation_accepted(change).into_iter().collect();
    }
    match (change.name, change.new) {
        ("INSERT", Some(new))
            if change.pk.starts_with("TOKEN#") && change.sk == table::keys::TOKEN_SK =>
        {
            session_created(new).into_iter().collect()
        }
        _ => Vec::new(),
    }
}

/// An invitation's status turning `used` (its accept writes the
/// membership in the same transaction; an operator's `site add-member`
/// is no invitation and no event).
fn invitation_accepted(change: &Change) -> Option<Event> {
    let (old, new) = (change.old?, change.new?);
    if change.name != "MODIFY" || new["status"] != "used" || old["status"] == "used" {
        return None;
    }
    let data = json!({
        "site_id": new["site_id"],
        "invitation_id": new["id"],
        "id": new["used_uid"],
        "accepted_at": new["used_time"],
    });
    Some(event("invitation.accepted", data))
}

fn event(kind: &'static str, data: Value) -> Event {
    Event { kind, data }
}

fn session_created(token: &Value) -> Option<Event> {
    (token["kind"] == identity::session::KIND).then(|| {
        event(
            "session.created",
            json!({ "user_id": token["user_id"], "amr": token.get("amr").cloned().unwrap_or(json!([])) }),
        )
    })
}

/// The ids every user event carries.
fn who(user: &Value) -> Map<String, Value> {
    let mut data = Map::new();
    data.insert("user_id".into(), user["id"].clone());
    data.insert("id".into(), user["seq"].clone());
    data.insert("username".into(), user["username"].clone());
    data
}

fn with(user: &Value, extra: Value) -> Value {
    let mut data = who(user);
    if let Value::Object(extra) = extra {
        data.extend(extra);
    }
    Value::Object(data)
}

fn user_events(change: &Change) -> Vec<Event> {
    match (change.name, change.old, change.new) {
        ("INSERT", _, Some(new)) => vec![event(
            "user.created",
            with(
                new,
                json!({ "email": new["email"], "created_at": new["created_at"] }),
            ),
        )],
        ("REMOVE", Some(old), _) => vec![event("user.deleted", with(old, json!({})))],
        ("MODIFY", Some(old), Some(new)) => modified(old, new),
        _ => Vec::new(),
    }
}

fn flag(user: &Value, field: &str) -> bool {
    user[field].as_bool().unwrap_or(false)
}

fn modified(old: &Value, new: &Value) -> Vec<Event> {
    let mut events = Vec::new();
    let changed: Vec<&str> = PROFILE_FIELDS
        .into_iter()
        .filter(|f| old.get(*f) != new.get(*f))
        .collect();
    if !changed.is_empty() {
        events.push(event(
            "user.updated",
            with(new, json!({ "changed": changed })),
        ));
    }
    match (flag(old, "banned"), flag(new, "banned")) {
        (false, true) => events.push(event(
            "user.banned",
            with(new, json!({ "reason": new["ban_reason"] })),
        )),
        (true, false) => events.push(event("user.unbanned", with(new, json!({})))),
        _ => {}
    }
    if old["role"] != new["role"] {
        let roles = json!({ "role": new["role"], "previous_role": old["role"] });
        events.push(event("user.role_changed", with(new, roles)));
    }
    if !flag(old, "email_verified") && flag(new, "email_verified") {
        events.push(event(
            "email.verified",
            with(new, json!({ "email": new["email"] })),
        ));
    }
    // A sign-in that rehashes the password stamps last_login in the same
    // write (table::logins); a change of password never does.
    if old["password_hash"] != new["password_hash"] && old["last_login"] == new["last_login"] {
        events.push(event("password.changed", with(new, json!({}))));
    }
    match (
        flag(old, "two_factor_enabled"),
        flag(new, "two_factor_enabled"),
    ) {
        (false, true) => events.push(event("two_factor.enabled", with(new, json!({})))),
        (true, false) => events.push(event("two_factor.disabled", with(new, json!({})))),
        _ => {}
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> Value {
        json!({ "id": "0123456789abcdef01234567", "seq": 7, "username": "ann",
                "email": "ann@example.com", "password_hash": "$argon2id$old",
                "role": "user", "banned": false, "email_verified": false,
                "last_login": "2026-01-01T00:00:00Z", "failed_logins": 0 })
    }

    fn kinds(name: &str, old: Option<&Value>, new: Option<&Value>) -> Vec<&'static str> {
        let change = Change {
            name,
            pk: "USER#0123456789abcdef01234567",
            sk: "PROFILE",
            old,
            new,
        };
        events_of(&change).into_iter().map(|e| e.kind).collect()
    }

    fn modify(edit: impl FnOnce(&mut Value)) -> Vec<&'static str> {
        let old = user();
        let mut new = user();
        edit(&mut new);
        kinds("MODIFY", Some(&old), Some(&new))
    }

    #[test]
    fn user_lifecycle() {
        let u = user();
        assert_eq!(kinds("INSERT", None, Some(&u)), ["user.created"]);
        assert_eq!(kinds("REMOVE", Some(&u), None), ["user.deleted"]);
        let data = &events_of(&Change {
            name: "INSERT",
            pk: "USER#x",
            sk: "PROFILE",
            old: None,
            new: Some(&u),
        })[0]
            .data;
        assert_eq!(data["user_id"], "0123456789abcdef01234567");
        assert_eq!(data["id"], 7);
        assert_eq!(data["username"], "ann");
        assert!(!data.to_string().contains("argon2"));
    }

    #[test]
    fn modifications() {
        assert_eq!(modify(|u| u["first_name"] = json!("Ann")), ["user.updated"]);
        assert_eq!(modify(|u| u["banned"] = json!(true)), ["user.banned"]);
        assert_eq!(
            modify(|u| u["role"] = json!("admin")),
            ["user.role_changed"]
        );
        assert_eq!(
            modify(|u| u["email_verified"] = json!(true)),
            ["email.verified"]
        );
        assert_eq!(
            modify(|u| u["two_factor_enabled"] = json!(true)),
            ["two_factor.enabled"]
        );
        assert_eq!(
            modify(|u| u["password_hash"] = json!("$argon2id$new")),
            ["password.changed"]
        );
    }

    #[test]
    fn login_bookkeeping_and_rehash_are_no_events() {
        assert!(modify(|u| u["failed_logins"] = json!(3)).is_empty());
        assert!(modify(|u| u["last_login"] = json!("2026-02-01T00:00:00Z")).is_empty());
        assert!(modify(|u| {
            u["password_hash"] = json!("$argon2id$rehashed");
            u["last_login"] = json!("2026-02-01T00:00:00Z");
        })
        .is_empty());
    }

    #[test]
    fn sessions_and_memberships() {
        let session =
            json!({ "kind": "session", "user_id": "0123456789abcdef01234567", "amr": ["pwd"] });
        let change = Change {
            name: "INSERT",
            pk: "TOKEN#zzhash",
            sk: "TOKEN",
            old: None,
            new: Some(&session),
        };
        let events = events_of(&change);
        assert_eq!(events[0].kind, "session.created");
        assert!(!events[0].data.to_string().contains("zzhash"));
        let account = json!({ "kind": "account", "user_id": "0123456789abcdef01234567" });
        let change = Change {
            new: Some(&account),
            ..change
        };
        assert!(events_of(&change).is_empty());
        let sent = json!({ "site_id": 3, "id": 9, "status": "sent" });
        let used = json!({ "site_id": 3, "id": 9, "status": "used", "used_uid": 7 });
        let change = Change {
            name: "MODIFY",
            pk: "SITE#3",
            sk: "INVITATION#00000000000000000009",
            old: Some(&sent),
            new: Some(&used),
        };
        let events = events_of(&change);
        assert_eq!(events[0].kind, "invitation.accepted");
        assert_eq!(events[0].data["id"], 7);
        assert!(events_of(&Change {
            old: Some(&used),
            ..change
        })
        .is_empty());
    }
}
