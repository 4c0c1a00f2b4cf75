use crate::access::Caller;
use crate::error::required;
use crate::store::{network_not_found, NetworkAccount, NetworksStore};
use crate::views::NetworkUserView;
use crate::ApiError;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use domain::audit::{Actor, Event, Kind};
use domain::FieldError;
use identity::AppState;
use serde::Deserialize;
use serde_json::{json, Value};
use web::path_id;
use web::Input;

const MAX_TEXT_CHARS: usize = 255;
const MAX_URL_CHARS: usize = 2048;

/// Backend endpoint (docs/api/social-networks.md): links a network account
/// to a platform user, or with `registration` signs the user up through it.
#[derive(Deserialize)]
pub struct LinkRequest {
    /// The platform user's integer id (`User::seq`).
    user_id: Option<i64>,
    value: Option<String>,
    login: Option<String>,
    name: Option<String>,
    url: Option<String>,
    registration: Option<bool>,
}

fn text(raw: Option<String>, field: &str) -> Result<String, FieldError> {
    let raw = required(raw, field)?;
    let n = raw.chars().count();
    if raw.trim().is_empty() || n > MAX_TEXT_CHARS {
        return Err(FieldError::new(
            field,
            format!("must be 1 to {MAX_TEXT_CHARS} characters"),
        ));
    }
    if raw.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(raw)
}

/// The account's id at the network, as the network spells it.
pub fn account_value(raw: Option<String>) -> Result<String, FieldError> {
    let value = text(raw, "value")?;
    if value.trim() != value {
        return Err(FieldError::new(
            "value",
            "must not start or end with spaces",
        ));
    }
    Ok(value)
}

fn profile_url(raw: Option<String>) -> Result<String, FieldError> {
    let url = required(raw, "url")?;
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.chars().count() <= MAX_URL_CHARS
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if !ok {
        return Err(FieldError::new(
            "url",
            format!("must be an http(s) URL of at most {MAX_URL_CHARS} characters"),
        ));
    }
    Ok(url)
}

impl LinkRequest {
    fn parse(self) -> Result<(u64, NetworkAccount, bool), FieldError> {
        let user = required(self.user_id, "user_id")?;
        if user < 1 {
            return Err(FieldError::new("user_id", "must be a positive integer"));
        }
        let account = NetworkAccount {
            value: account_value(self.value)?,
            login: text(self.login, "login")?,
            name: text(self.name, "name")?,
            url: profile_url(self.url)?,
        };
        Ok((user as u64, account, self.registration.unwrap_or(false)))
    }
}

pub async fn link(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
    Input(req, _): Input<LinkRequest, ApiError>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let (user_seq, account, registration) = req.parse()?;
    let id = path_id(&raw);
    let store = NetworksStore::of(&state);
    let (auth, snapshot) = tokio::join!(caller.check(&state.store), async {
        match id {
            Some(id) => store.link_snapshot(id, user_seq).await.map(Some),
            None => Ok(None),
        }
    });
    auth?;
    let (Some(id), Some(snapshot)) = (id, snapshot?) else {
        return Err(network_not_found().into());
    };
    let event = Event::new(Kind::NetworkLinked, Actor::App);
    let slot = store
        .link_account(id, user_seq, &account, registration, snapshot, &event)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "message": "Social network account linked successfully",
            "user": NetworkUserView::from(slot),
        })),
    ))
}
