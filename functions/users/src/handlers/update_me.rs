use crate::envelope::done;
use crate::{caller, ApiError};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use domain::scopes::ADMIN_PROFILE_WRITE;
use domain::{Email, Error, ErrorKind, Password, PersonName, Role, UserId, Username, UsernameRule};
use identity::profile_update::{update_profile, ProfileEdit};
use identity::AppState;
use serde::Deserialize;
use web::{Input, SignInAttempt};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateRequest {
    target: Option<String>,
    username: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    password: Option<String>,
    /// Documented addition: a change of one's own password needs it.
    current_password: Option<String>,
    role: Option<String>,
    phone_country_code: Option<String>,
    phone: Option<String>,
}

impl UpdateRequest {
    /// The names of the fields sent, as the request spells them.
    fn sent(&self) -> Vec<&'static str> {
        [
            ("username", self.username.is_some()),
            ("firstName", self.first_name.is_some()),
            ("lastName", self.last_name.is_some()),
            ("email", self.email.is_some()),
            ("password", self.password.is_some()),
            ("role", self.role.is_some()),
            ("phoneCountryCode", self.phone_country_code.is_some()),
            ("phone", self.phone.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, sent)| sent.then_some(name))
        .collect()
    }

    /// Refuses the first sent field `user.profile.editable-fields` lacks.
    fn check_editable(&self, editable: &[String]) -> Result<(), Error> {
        match self
            .sent()
            .into_iter()
            .find(|f| !editable.iter().any(|e| e == f))
        {
            Some(field) => Err(Error::new(
                ErrorKind::Forbidden,
                "field_not_editable",
                "this platform does not allow editing the field (user.profile.editable-fields)",
            )
            .on(field)),
            None => Ok(()),
        }
    }

    fn parse(self) -> Result<ProfileEdit, ApiError> {
        let role = match self.role.as_deref().map(Role::parse) {
            None => None,
            Some(Ok(role)) if role.is_listed() => Some(role),
            Some(_) => return Err(Error::invalid("role", "must be ghost or student").into()),
        };
        Ok(ProfileEdit {
            target: self
                .target
                .map(|t| UserId::parse(&t).map_err(|e| e.at("target")))
                .transpose()?,
            username: self
                .username
                .map(|u| Username::parse(&u, UsernameRule::USERS).map_err(|e| e.at("username")))
                .transpose()?,
            first_name: self
                .first_name
                .map(|n| PersonName::parse(&n).map_err(|e| e.at("firstName")))
                .transpose()?,
            last_name: self
                .last_name
                .map(|n| PersonName::parse(&n).map_err(|e| e.at("lastName")))
                .transpose()?,
            email: self
                .email
                .map(|e| Email::parse(&e).map_err(|err| err.at("email")))
                .transpose()?,
            password: self
                .password
                .map(|p| Password::parse(&p).map_err(|e| e.at("password")))
                .transpose()?,
            role,
            phone: crate::fields::phone(self.phone_country_code, self.phone)?,
            current_password: self.current_password,
        })
    }
}

/// `PATCH /user/me` (scope `admin:profile:write`, as documented). Only the
/// fields `user.profile.editable-fields` lists may be sent; `target` and
/// `role` need the moderator role. A new email is not applied: a code goes
/// to the new address and `POST /user/verify-email` makes the switch. A
/// new password of one's own needs `currentPassword`; any new password
/// ends every session and token of the account and tells its address.
pub async fn update_me(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    headers: HeaderMap,
    Input(req, _): Input<UpdateRequest, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    req.check_editable(&state.config.profile_editable_fields)?;
    let update = req.parse()?;
    let principal = caller::bearer(&state, &headers, ADMIN_PROFILE_WRITE).await?;
    // The use case queues the new address's code and the old one's notice.
    update_profile(&state, &attempt, principal.user, update).await?;
    Ok(done())
}
