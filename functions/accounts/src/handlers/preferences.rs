use crate::envelope::{done, ok};
use crate::{path_token, ApiError};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use domain::Error;
use identity::AppState;
use serde::Deserialize;
use serde_json::Value;
use table::GuardedWriteError;
use web::{required, Input};

/// Preferences are themes, not documents: 16 KiB is plenty.
const MAX_BYTES: usize = 16 * 1024;

pub async fn get_preferences(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let record = path_token::resolve(&state.store, &token).await?;
    let user = path_token::holder(&state.store, &record).await?;
    let prefs = user
        .preferences
        .and_then(|p| serde_json::from_str::<Value>(&p).ok())
        .unwrap_or_else(|| Value::Object(Default::default()));
    Ok(ok(prefs).into_response())
}

#[derive(Deserialize)]
pub struct UpdateRequest {
    /// Documented as the string form of an object; an object is taken too.
    preferences: Option<Value>,
}

pub async fn update_preferences(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Input(req, _): Input<UpdateRequest, ApiError>,
) -> Result<Response, ApiError> {
    let text = match required(req.preferences, "preferences")? {
        Value::String(s) => s,
        obj @ Value::Object(_) => obj.to_string(),
        _ => {
            return Err(
                Error::invalid("preferences", "must be a JSON object or its string form").into(),
            )
        }
    };
    if text.len() > MAX_BYTES {
        return Err(
            Error::invalid("preferences", format!("must be at most {MAX_BYTES} bytes")).into(),
        );
    }
    if !serde_json::from_str::<Value>(&text).is_ok_and(|v| v.is_object()) {
        return Err(
            Error::invalid("preferences", "must be the string form of a JSON object").into(),
        );
    }
    let record = path_token::resolve(&state.store, &token).await?;
    match state
        .store
        .set_preferences(&record.user_id, record.issued_at, &text)
        .await
    {
        Ok(()) => Ok(done().into_response()),
        Err(GuardedWriteError::Actor | GuardedWriteError::Target) => {
            Err(identity::invalid_token().into())
        }
        Err(GuardedWriteError::Store(e)) => Err(e.into()),
    }
}
