use crate::fields::Fields;
use crate::{places, ApiError};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::{Email, Error, Password, PersonName, User, Username, UsernameRule};
use http::StatusCode;
use identity::sign_up::{sign_up_setting, FirstStep, NewUser, SignedUp};
use identity::{session, AppState};
use serde_json::json;

/// The App's usernames: the platform's character set, 3 to 32 characters
/// (the document's samples are 7).
pub const APP_USERNAMES: UsernameRule = UsernameRule { min: 3, max: 32 };

struct Registration {
    new: NewUser,
    country: Option<u64>,
    city: Option<u64>,
}

fn parse(fields: &Fields) -> Result<Registration, ApiError> {
    let username = fields.required("username")?;
    let email = fields.required("email")?;
    let password = fields.required("password")?;
    let first_name = fields.required("first_name")?;
    let last_name = fields.required("last_name")?;
    Ok(Registration {
        new: NewUser {
            username: Username::parse(&username, APP_USERNAMES).map_err(|e| e.at("username"))?,
            email: Email::parse(&email).map_err(|e| e.at("email"))?,
            password: Password::parse(&password).map_err(|e| e.at("password"))?,
            first_name: PersonName::parse(&first_name).map_err(|e| e.at("first_name"))?,
            last_name: PersonName::parse(&last_name).map_err(|e| e.at("last_name"))?,
            phone: None,
            study_group: None,
        },
        country: fields.id("country")?,
        city: fields.id("city")?,
    })
}

/// `POST /api/action/register/`: the platform's sign-up (one username
/// namespace); the account is usable at once and the answer carries the
/// session cookie, as a login would. 201 with the integer `user_id`. Its
/// address is an unverified claim: one a verified account owns answers
/// the same (that owner is told by email), so register reveals no one.
pub async fn register(State(state): State<AppState>, fields: Fields) -> Result<Response, ApiError> {
    let reg = parse(&fields)?;
    let (country, city) = (reg.country, reg.city);
    // The catalogue check runs beside the hash and the id draw.
    let places = async {
        let catalogue = places::catalogue(&state.store).await?;
        places::check(&catalogue, country, city, None)?;
        Ok(None)
    };
    let first = FirstStep::Token {
        kind: session::KIND,
        ttl_secs: session::TTL_SECS,
    };
    let set = |user: &mut User| {
        user.country_id = country;
        user.city_id = city;
    };
    let signed = sign_up_setting(&state, reg.new, first, places, set).await?;
    let SignedUp::WithToken { user, token } = signed else {
        return Err(Error::internal("sign-up with a token answered otherwise").into());
    };
    Ok((
        StatusCode::CREATED,
        [session::set_cookie(&user.id, token.expose())],
        Json(json!({
            "status": "success",
            "message": "Account created successfully",
            "user_id": user.seq,
        })),
    )
        .into_response())
}
