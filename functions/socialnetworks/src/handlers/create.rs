use crate::access::Caller;
use crate::error::required;
use crate::network_key::NetworkKey;
use crate::settings::{self, Credentials};
use crate::store::{NetworkFields, NetworkRecord, NetworksStore};
use crate::views::NetworkView;
use crate::ApiError;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use domain::FieldError;
use identity::AppState;
use serde::Deserialize;
use serde_json::{json, Value};
use web::Input;

/// An icon is an inline SVG or an image path; the item must stay well under
/// DynamoDB's 400 KB.
const MAX_ICON_BYTES: usize = 64 * 1024;
/// About 68 years: far beyond any sensible cooldown, and fits every client.
const MAX_COOLDOWN: i64 = i32::MAX as i64;

/// The body of create and update (same fields, same rules).
#[derive(Deserialize)]
pub struct NetworkRequest {
    key: Option<String>,
    settings: Option<String>,
    cooldown_time: Option<i64>,
    allow_to_register: Option<bool>,
    icon: Option<String>,
    enabled: Option<bool>,
}

/// A request that passed every rule; optional fields stay unset until
/// they meet the defaults (create) or the stored values (update).
pub struct NetworkInput {
    key: NetworkKey,
    settings: Credentials,
    icon: String,
    cooldown_time: Option<u64>,
    allow_to_register: Option<bool>,
    enabled: Option<bool>,
}

impl NetworkRequest {
    pub fn parse(self) -> Result<NetworkInput, FieldError> {
        let key = required(self.key, "key")?;
        let settings = required(self.settings, "settings")?;
        let icon = required(self.icon, "icon")?;
        let key = NetworkKey::parse(&key).map_err(|e| e.at("key"))?;
        let settings = settings::parse(&settings).map_err(|e| e.at("settings"))?;
        if icon.trim().is_empty() {
            return Err(FieldError::new("icon", "is required"));
        }
        if icon.len() > MAX_ICON_BYTES {
            return Err(FieldError::new(
                "icon",
                format!("must be at most {MAX_ICON_BYTES} bytes"),
            ));
        }
        let cooldown_time = match self.cooldown_time {
            Some(c) if !(0..=MAX_COOLDOWN).contains(&c) => {
                return Err(FieldError::new(
                    "cooldown_time",
                    format!("must be an integer between 0 and {MAX_COOLDOWN}"),
                ))
            }
            c => c.map(|c| c as u64),
        };
        Ok(NetworkInput {
            key,
            settings,
            icon,
            cooldown_time,
            allow_to_register: self.allow_to_register,
            enabled: self.enabled,
        })
    }
}

impl NetworkInput {
    /// The fields to store: unset optional fields keep `current`'s values,
    /// or take the defaults (no cooldown, registration allowed, enabled);
    /// new secrets sealed, masked ones kept as stored.
    pub async fn fields(
        &self,
        state: &AppState,
        current: Option<&NetworkRecord>,
    ) -> Result<NetworkFields, ApiError> {
        let settings = settings::seal(
            state.secrets()?,
            self.settings.clone(),
            current.map(|c| &c.settings),
        )
        .await?;
        Ok(NetworkFields {
            key: self.key.clone().into_inner(),
            cooldown_time: self
                .cooldown_time
                .or(current.map(|c| c.cooldown_time))
                .unwrap_or(0),
            allow_to_register: self
                .allow_to_register
                .or(current.map(|c| c.allow_to_register))
                .unwrap_or(true),
            icon: self.icon.clone(),
            enabled: self.enabled.or(current.map(|c| c.enabled)).unwrap_or(true),
            settings,
        })
    }
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Input(req, _): Input<NetworkRequest, ApiError>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let input = req.parse()?;
    let store = NetworksStore::of(&state);
    let (auth, counter) = tokio::join!(caller.check(&state.store), store.network_counter());
    auth?;
    // Sealed only for an authenticated caller: a stranger costs no KMS call.
    let fields = input.fields(&state, None).await?;
    let record = store.create_network(&fields, counter?).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "message": "Social network created successfully",
            "social_network": NetworkView::from(record),
        })),
    ))
}
