//! A data export: everything the platform holds about the account, from
//! every surface, as one JSON archive in S3; its presigned link goes out
//! by email (through the outbox, like every message). Items are exported
//! as stored, less keys, index attributes and secrets (hashes of
//! passwords, codes and tokens, TOTP secrets).

use domain::{Error, Message, MessageKind, User};
use identity::AppState;
use serde_json::{json, Map, Value};
use table::erasure::Scope;
use table::item::{from_item, Item};
use table::keys;
use table::lifecycle::Job;

/// Attributes never exported: keys, indexes, credentials' material.
const HIDDEN: [&str; 18] = [
    "pk",
    // A passkey's encoded key and counter state: the library's bytes.
    "static_state",
    "dynamic_state",
    "sk",
    "gsi1pk",
    "gsi1sk",
    "gsi2pk",
    "gsi2sk",
    "gsi3pk",
    "gsi3sk",
    "gsi4pk",
    "gsi4sk",
    "password_hash",
    "totp_secret",
    "totp_pending",
    "recovery_codes",
    "code_hash",
    "challenge_hash",
];

pub async fn run(state: &AppState, job: &Job) -> Result<(), Error> {
    let Some(user) = state.store.get_user(&job.user_id).await? else {
        return Ok(state.store.end_job(job).await?);
    };
    let archive = archive(state, &user).await?;
    let bytes = serde_json::to_vec_pretty(&archive).map_err(|e| Error::internal(e.to_string()))?;
    let url = users::pictures::put_archive(state, &user.id, bytes)
        .await
        .map_err(|e| Error::internal(format!("export: {e:?}")))?;
    let minutes = users::pictures::ARCHIVE_TTL.as_secs() / 60;
    let message = Message::to_user(&user, MessageKind::DataExport)
        .with("url", url)
        .with("minutes", minutes);
    state.store.queue_message(&message).await?;
    let event = domain::audit::Event::by_user(domain::audit::Kind::DataExported);
    table::audit::record(&state.store, &user.id, &event).await;
    Ok(state.store.end_job(job).await?)
}

/// The archive: one section per kind of data.
pub async fn archive(state: &AppState, user: &User) -> Result<Value, Error> {
    let mine = |prefix: &str| Scope::table(keys::user(&user.id), prefix);
    let gsi1 = |pk: String| Scope::index(keys::GSI1, "gsi1pk", pk);
    let sections: Vec<(&str, Scope)> = vec![
        ("following", mine(keys::FOLLOWS_PREFIX)),
        ("followers", gsi1(users::erasure::followers_of(&user.id))),
        (
            "follow_requests",
            gsi1(users::erasure::requests_of(&user.id)),
        ),
        ("blocks", mine(keys::BLOCKS_PREFIX)),
        ("invite_codes", mine(keys::INVITES_SK)),
        (
            "site_memberships",
            gsi1(sites::store::keys::user_sites(&user.id)),
        ),
        ("sessions", gsi1(keys::user_tokens(&user.id))),
        ("connected_apps", mine(keys::CONSENT_PREFIX)),
        ("notifications", mine(keys::NOTIFICATION_PREFIX)),
        ("security_events", Scope::table(keys::audit(&user.id), "")),
    ];
    let mut out = Map::new();
    out.insert(
        "exported_at".into(),
        json!(domain::time::now().to_rfc3339()),
    );
    out.insert("account".into(), shown(table::to_item(user)?));
    // Independent reads: side by side.
    let read = sections
        .iter()
        .map(|(_, scope)| state.store.first_items(scope, 10_000));
    let found = futures::future::try_join_all(read).await?;
    for ((name, _), items) in sections.iter().zip(found) {
        out.insert(
            (*name).into(),
            Value::Array(items.into_iter().map(shown).collect()),
        );
    }
    let links = socialnetworks::erasure::memberships(state, user.seq).await?;
    let links: Vec<Value> = links
        .into_iter()
        .map(|(network, link)| json!({ "network_id": network, "account": link.value, "linked_at": link.linked_at }))
        .collect();
    out.insert("social_network_links".into(), Value::Array(links));
    out.insert(
        "passkeys".into(),
        Value::Array(passkeys(state, user).await?),
    );
    Ok(Value::Object(out))
}

/// The user's passkeys: their entries, then each credential they name.
async fn passkeys(state: &AppState, user: &User) -> Result<Vec<Value>, Error> {
    let entries = Scope::table(keys::user(&user.id), keys::USER_PASSKEY_PREFIX);
    let mut out = Vec::new();
    for entry in state.store.first_items(&entries, 10_000).await? {
        let Some(sk) = entry.get("sk").and_then(|v| v.as_s().ok()) else {
            continue;
        };
        let id = sk.trim_start_matches(keys::USER_PASSKEY_PREFIX);
        let credential = Scope::table(keys::passkey(id), keys::PASSKEY_SK);
        let found = state.store.first_items(&credential, 1).await?;
        out.extend(found.into_iter().map(shown));
    }
    Ok(out)
}

/// An item as JSON, without what is never exported.
fn shown(mut item: Item) -> Value {
    item.retain(|name, _| !HIDDEN.contains(&name.as_str()) && !name.ends_with("_hash"));
    from_item::<Value>(item).unwrap_or(Value::Null)
}
