use crate::fields::Fields;
use crate::store::{AppStore, Facts, SettingsWrite};
use crate::views::{done, language};
use crate::{caller, places, rules, ApiError};
use aws_sdk_dynamodb::types::{AttributeValue, Put};
use axum::extract::State;
use axum::Json;
use chrono::Datelike;
use domain::codes::{LinkCode, Purpose};
use domain::{Email, Error, Language, Message, MessageKind, PersonName, User};
use http::HeaderMap;
use identity::AppState;
use serde_json::Value;
use table::item::n;
use table::CodeSlot;

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

fn text(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

fn sets(edit: &Edit) -> Vec<(&'static str, AttributeValue)> {
    let mut sets = Vec::new();
    let texts = [
        ("first_name", &edit.first_name),
        ("last_name", &edit.last_name),
        ("sex", &edit.sex),
        ("timezone", &edit.timezone),
    ];
    for (name, value) in texts {
        if let Some(v) = value {
            sets.push((name, text(v)));
        }
    }
    if let Some(p) = &edit.phone {
        sets.push(("phone", text(p)));
        sets.push(("phone_country_code", AttributeValue::Null(true)));
    }
    if let Some(d) = edit.birth_date {
        sets.push(("birth_date", text(&d.format("%Y-%m-%d").to_string())));
    }
    for (name, value) in [("country_id", edit.country), ("city_id", edit.city)] {
        if let Some(v) = value {
            sets.push((name, n(v)));
        }
    }
    sets
}

/// A new address is not applied: a code goes to it (and a notice to the
/// old one) and the Users API's `POST /user/verify-email` switches.
fn email_change(state: &AppState, user: &User, email: &Email) -> Result<Vec<Put>, Error> {
    let code = LinkCode::generate();
    let mut slot = CodeSlot::new(&user.id, Purpose::ChangeEmail, code.hash());
    slot.payload =
        Some(serde_json::to_string(&(user.email.as_str(), email.as_str())).expect("two strings"));
    let lang = Language::parse_or_default(language(user));
    let mut puts = state.store.code_puts(&slot, true)?;
    for message in [
        Message::new(email.as_str(), MessageKind::ChangeEmailCode).with("code", code.expose()),
        Message::new(&user.email, MessageKind::EmailChangeRequested),
    ] {
        puts.push(state.store.outbox_put(&message.in_language(lang))?);
    }
    Ok(puts)
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
    let sets = sets(&edit);
    AppStore::of(&state)
        .save_with_stats(&session, user, |user| {
            let extra = match edit
                .email
                .as_ref()
                .filter(|e| !e.as_str().eq_ignore_ascii_case(&user.email))
            {
                Some(email) => email_change(&state, user, email)?,
                None => Vec::new(),
            };
            let mut sets = sets.clone();
            if edit.city.is_none() && edit.country.is_some_and(|c| Some(c) != user.country_id) {
                // A new country without a city: the old city is not in it.
                sets.push(("city_id", AttributeValue::Null(true)));
            }
            let old = Facts::of(user);
            let facts = Facts {
                sex: edit.sex.clone().or(old.sex),
                birth_year: edit.birth_date.map(|d| d.year()).or(old.birth_year),
                categories: old.categories,
            };
            Ok((SettingsWrite { sets, extra }, facts))
        })
        .await?;
    Ok(done("Profile updated successfully"))
}
