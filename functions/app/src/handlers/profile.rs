use crate::fields::Fields;
use crate::store::{AppStore, Facts, Setting, SettingsWrite};
use crate::views::done;
use crate::{caller, places, rules, ApiError};
use axum::extract::State;
use axum::Json;
use chrono::Datelike;
use domain::{Email, Error, PersonName};
use http::HeaderMap;
use identity::AppState;
use serde_json::Value;

/// A validated edit; `None` leaves a field as it is.
#[derive(Default)]
struct Edit {
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<Email>,
    phone: Option<String>,
    country: Option<u64>,
    city: Option<u64>,
    sex: Option<String>,
    birth_date: Option<chrono::NaiveDate>,
    timezone: Option<String>,
}

fn name(fields: &Fields, field: &'static str) -> Result<Option<String>, Error> {
    fields
        .text(field)?
        .map(|v| {
            PersonName::parse(&v)
                .map(PersonName::into_inner)
                .map_err(|e| e.at(field).into())
        })
        .transpose()
}

fn parse(fields: &Fields) -> Result<Edit, Error> {
    let today = domain::time::now().date_naive();
    let edit = Edit {
        first_name: name(fields, "first_name")?,
        last_name: name(fields, "last_name")?,
        email: fields
            .text("email")?
            .map(|e| Email::parse(&e).map_err(|err| err.at("email")))
            .transpose()?,
        phone: fields
            .text("phone")?
            .map(|p| rules::phone(&p))
            .transpose()?,
        country: fields.id("country")?,
        city: fields.id("city")?,
        sex: fields.text("sex")?.map(|s| rules::sex(&s)).transpose()?,
        birth_date: fields
            .text("birth_date")?
            .map(|d| rules::birth_date(&d, today))
            .transpose()?,
        timezone: fields.text("timezone")?.map(timezone).transpose()?,
    };
    let nothing = edit.first_name.is_none()
        && edit.last_name.is_none()
        && edit.email.is_none()
        && edit.phone.is_none()
        && edit.country.is_none()
        && edit.city.is_none()
        && edit.sex.is_none()
        && edit.birth_date.is_none()
        && edit.timezone.is_none();
    if nothing {
        return Err(Error::invalid(
            "first_name",
            "send at least one profile field",
        ));
    }
    Ok(edit)
}

/// An IANA-looking zone name (`UTC`, `Europe/Madrid`).
fn timezone(raw: String) -> Result<String, Error> {
    let ok = (1..=40).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b));
    ok.then_some(raw)
        .ok_or_else(|| Error::invalid("timezone", "must be a time zone name such as UTC"))
}

/// The settings an edit writes (the email is not one: it changes through
/// its code).
fn settings(edit: &Edit) -> Vec<Setting> {
    let mut out = Vec::new();
    out.extend(edit.first_name.clone().map(Setting::FirstName));
    out.extend(edit.last_name.clone().map(Setting::LastName));
    out.extend(edit.sex.clone().map(Setting::Sex));
    out.extend(edit.timezone.clone().map(Setting::Timezone));
    out.extend(edit.phone.clone().map(Setting::Phone));
    out.extend(edit.birth_date.map(Setting::BirthDate));
    out.extend(edit.country.map(Setting::Country));
    out.extend(edit.city.map(|c| Setting::City(Some(c))));
    out
}

/// `POST /api/update/profile/`: first_name, last_name, email, phone,
/// country, city, and the documented additions sex, birth_date, timezone.
/// One transaction with the statistics' counters.
pub async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    fields: Fields,
) -> Result<Json<Value>, ApiError> {
    let edit = parse(&fields)?;
    let (catalogue, caller) = tokio::join!(
        places::catalogue(&state.store),
        caller::user(&state, &headers)
    );
    let (session, user) = caller?;
    let catalogue = catalogue?;
    places::check(&catalogue, edit.country, edit.city, user.country_id)?;
    let base = settings(&edit);
    AppStore::of(&state)
        .save_with_stats(&session, user, |user| {
            // A new address is not applied: a code goes to it (and a
            // notice to the old one); the Users API's verify-email switches.
            let extra = match &edit.email {
                Some(email) => identity::email_change::request(&state, user, email)?,
                None => None,
            };
            let mut settings = base.clone();
            if edit.city.is_none() && edit.country.is_some_and(|c| Some(c) != user.country_id) {
                // A new country without a city: the old city is not in it.
                settings.push(Setting::City(None));
            }
            let old = Facts::of(user);
            let facts = Facts {
                sex: edit.sex.clone().or(old.sex),
                birth_year: edit.birth_date.map(|d| d.year()).or(old.birth_year),
                categories: old.categories,
            };
            let extra = extra.unwrap_or_default();
            Ok((SettingsWrite { settings, extra }, facts))
        })
        .await?;
    Ok(done("Profile updated successfully"))
}
