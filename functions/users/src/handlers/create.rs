use crate::envelope::done;
use crate::{mail, ApiError};
use axum::extract::State;
use axum::Json;
use domain::codes::{LinkCode, Purpose, SEND_LIMIT};
use domain::password_hash as password;
use domain::{Email, Password, PersonName, User, Username, UsernameRule};
use identity::AppState;
use serde::Deserialize;
use table::{CodeSlot, CreateUserError};
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
}

struct NewUser {
    username: Username,
    first_name: PersonName,
    last_name: PersonName,
    email: Email,
    password: Password,
    phone: Option<(String, String)>,
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
        })
    }
}

/// A taken email answers exactly like a success (`{"ok": 1}`, and one email
/// to the address either way), so sign-up does not reveal who is
/// registered; a taken username cannot be hidden and is a 409.
pub async fn create(
    State(state): State<AppState>,
    Input(req, _): Input<CreateRequest, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let new = req.parse()?;
    let (password_hash, seq) = tokio::join!(
        password::hash(new.password.expose()),
        state.store.next_user_seq()
    );
    let mut user = User::new(
        seq?,
        new.username.as_str().to_owned(),
        new.email.as_str().to_owned(),
        password_hash,
    );
    user.first_name = Some(new.first_name.into_inner());
    user.last_name = Some(new.last_name.into_inner());
    if let Some((cc, number)) = new.phone {
        user.phone_country_code = Some(cc);
        user.phone = Some(number);
    }
    let require = state.config.require_email_verification;
    let code = require.then(LinkCode::generate);
    let extra = match &code {
        Some(code) => {
            user.verification_pending = true;
            state.store.code_puts(
                &CodeSlot::new(&user.id, Purpose::VerifyEmail, code.hash()),
                true,
            )?
        }
        None => {
            user.email_verified = true;
            user.email_verified_at = Some(domain::time::now());
            Vec::new()
        }
    };
    match state.store.create_user_with(&user, extra).await {
        Ok(user) => {
            match code {
                Some(code) => {
                    mail::verification_code(&state.mailer, &user.email, &code.expose()).await?
                }
                None => mail::welcome(&state.mailer, &user.email).await?,
            }
            Ok(done())
        }
        Err(CreateUserError::EmailTaken) => {
            if state
                .store
                .hit_rate_limit(&SEND_LIMIT, &new.email.key())
                .await?
            {
                mail::already_registered(&state.mailer, new.email.as_str()).await?;
            }
            Ok(done())
        }
        Err(e) => Err(e.into()),
    }
}
