use crate::caller;
use crate::error::user_not_found;
use crate::fields::Fields;
use crate::rules;
use crate::store::{AppStore, NotificationRecord, UnsubscribeToken};
use crate::views::{done, setting};
use crate::ApiError;
use axum::extract::State;
use axum::Json;
use domain::{Error, Message, MessageKind};
use http::HeaderMap;
use identity::api_key::Permission;
use identity::AppState;
use serde_json::Value;

const MAX_TITLE: usize = 200;

fn bounded(fields: &Fields, name: &'static str, max: usize) -> Result<String, Error> {
    let value = fields.required(name)?;
    if value.chars().count() > max {
        return Err(Error::invalid(
            name,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(value)
}

/// `POST /api/user/notification/` (backend, write): `user_id`, `title`,
/// `message`, `type`, optional JSON `data`. Stored in the history and, when
/// the user's setting for the type allows, emailed in the user's language
/// through the outbox, in the same transaction; the email of a type one
/// can turn off carries a one-click unsubscribe token (`store::unsubscribe`).
/// Two rounds: key ∥ user by integer id (gsi4), then the send transaction.
pub async fn send(
    State(state): State<AppState>,
    headers: HeaderMap,
    fields: Fields,
) -> Result<Json<Value>, ApiError> {
    let seq = fields.required_id("user_id")?;
    let title = bounded(&fields, "title", MAX_TITLE)?;
    let message = bounded(&fields, "message", crate::fields::MAX_TEXT)?;
    let kind = fields.required("type")?;
    let governed_by = rules::setting_of(&kind)?;
    let data = fields.object("data")?;
    // The integer id's index hands over the whole user in the first round,
    // beside the key check; the send transaction re-checks that it exists.
    let (auth, user) = tokio::join!(
        caller::backend(&state, &headers, Permission::Write),
        state.store.find_user_by_seq(seq)
    );
    auth?;
    let user = user?.ok_or_else(user_not_found)?;
    let id = NotificationRecord::new_id();
    let emailed = governed_by.is_none_or(|code| setting(&user, code));
    let unsubscribe =
        (emailed && governed_by.is_some()).then(|| UnsubscribeToken::issue(&user.id, id));
    let record = NotificationRecord {
        id,
        user_id: seq,
        title,
        message,
        kind,
        read: false,
        created_at: domain::time::now(),
        data: data.map(|d| d.to_string()),
        unsubscribe_hash: unsubscribe.as_ref().map(|(_, hash)| hash.clone()),
    };
    let email = match emailed {
        true => {
            let mut message = Message::to_user(&user, MessageKind::Notification)
                .with("title", record.title.as_str())
                .with("message", record.message.as_str())
                .with("type", record.kind.as_str());
            if let Some((token, _)) = unsubscribe {
                message = message.with("unsubscribe", token);
            }
            Some(state.store.outbox_put(&message)?)
        }
        false => None,
    };
    AppStore::of(&state)
        .send_notification(&user, &record, email)
        .await?;
    Ok(done("Notification sent successfully"))
}
