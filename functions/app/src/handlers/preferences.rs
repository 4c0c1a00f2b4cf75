use crate::fields::Fields;
use crate::rules::{self, CATEGORIES, NETWORKS};
use crate::store::{AppStore, Facts, Setting, SettingsWrite};
use crate::views::{self, done};
use crate::{caller, ApiError};
use axum::extract::State;
use axum::Json;
use domain::Error;
use http::HeaderMap;
use identity::AppState;
use serde_json::Value;

/// `POST /api/get/preferences/`: two reads (session, user).
pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let (_, user) = caller::user(&state, &headers).await?;
    Ok(Json(views::preferences(&user)))
}

/// `POST /api/update/preferences/`: `categories`, `networks` (repeated
/// keys), `language`; at least one. Categories move the statistics.
pub async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    fields: Fields,
) -> Result<Json<Value>, ApiError> {
    let categories = fields
        .list("categories")?
        .map(|c| rules::choose("categories", c, CATEGORIES))
        .transpose()?;
    let networks = fields
        .list("networks")?
        .map(|n| rules::choose("networks", n, NETWORKS))
        .transpose()?;
    let language = fields
        .text("language")?
        .map(|l| rules::language(&l))
        .transpose()?;
    if categories.is_none() && networks.is_none() && language.is_none() {
        return Err(Error::invalid("categories", "send categories, networks or language").into());
    }
    let mut settings = Vec::new();
    settings.extend(networks.map(Setting::Networks));
    settings.extend(language.map(Setting::Language));
    let store = AppStore::of(&state);
    match categories {
        None => {
            let session = caller::session(&state, &headers).await?;
            store.set_guarded(&session, &settings).await?;
        }
        Some(categories) => {
            let (session, user) = caller::user(&state, &headers).await?;
            store
                .save_with_stats(&session, user, |user| {
                    let mut settings = settings.clone();
                    settings.push(Setting::Categories(categories.clone()));
                    let facts = Facts {
                        categories: categories.clone(),
                        ..Facts::of(user)
                    };
                    let write = SettingsWrite {
                        settings,
                        extra: Vec::new(),
                    };
                    Ok((write, facts))
                })
                .await?;
        }
    }
    Ok(done("Preferences updated successfully"))
}

/// `POST /api/update/language/`: one guarded write after the session.
pub async fn update_language(
    State(state): State<AppState>,
    headers: HeaderMap,
    fields: Fields,
) -> Result<Json<Value>, ApiError> {
    let language = rules::language(&fields.required("language")?)?;
    let session = caller::session(&state, &headers).await?;
    AppStore::of(&state)
        .set_guarded(&session, &[Setting::Language(language)])
        .await?;
    Ok(done("Language updated successfully"))
}
