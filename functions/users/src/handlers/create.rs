use crate::envelope::done;
use crate::store::SocialStore;
use crate::ApiError;
use axum::extract::State;
use axum::Json;
use domain::{Email, Password, PersonName, Username, UsernameRule};
use identity::sign_up::{sign_up_with, FirstStep, NewUser};
use identity::AppState;
use serde::Deserialize;
use web::{required, Input};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateRequest {
    username: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    password: Option<String>,
    phone_country_code: Option<String>,
    phone: Option<String>,
    /// Required when `user.account-creation.invite-only` is on.
    invite_code: Option<String>,
}

impl CreateRequest {
    fn parse(self) -> Result<NewUser, ApiError> {
        let username = required(self.username, "username")?;
        let first_name = required(self.first_name, "firstName")?;
        let last_name = required(self.last_name, "lastName")?;
        let email = required(self.email, "email")?;
        let password = required(self.password, "password")?;
        Ok(NewUser {
            username: Username::parse(&username, UsernameRule::USERS)
                .map_err(|e| e.at("username"))?,
            first_name: PersonName::parse(&first_name).map_err(|e| e.at("firstName"))?,
            last_name: PersonName::parse(&last_name).map_err(|e| e.at("lastName"))?,
            email: Email::parse(&email).map_err(|e| e.at("email"))?,
            password: Password::parse(&password).map_err(|e| e.at("password"))?,
            phone: crate::fields::phone(self.phone_country_code, self.phone)?,
            study_group: None,
        })
    }
}

/// An address a verified account owns answers exactly like a success
/// (`{"ok": 1}`, one email to the address either way, the same width of
/// write), so sign-up does not reveal who is registered; an unverified
/// claim on the address blocks nothing. A taken username cannot be hidden
/// and is a 409.
pub async fn create(
    State(state): State<AppState>,
    Input(req, _): Input<CreateRequest, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let first = FirstStep::Verification {
        required: state.config.require_email_verification,
    };
    let code = crate::store::invite_code_of(&state, req.invite_code.as_deref())?;
    let new = req.parse()?;
    let store = SocialStore::of(&state);
    let extra = store.invite_writes(code.clone());
    // Every outcome answers alike; the sign-up queued its own messages.
    if let Err(e) = sign_up_with(&state, new, first, extra).await {
        return Err(match &code {
            Some(code) => store.explain_sign_up_failure(code, e).await,
            None => e,
        }
        .into());
    }
    Ok(done())
}
