use crate::envelope::done;
use crate::error::not_found;
use crate::{caller, mail, ApiError};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use domain::codes::{LinkCode, Purpose};
use domain::password_hash as password;
use domain::scopes::ADMIN_PROFILE_WRITE;
use domain::{
    Email, Error, ErrorKind, Password, PersonName, Role, User, UserId, Username, UsernameRule,
};
use identity::AppState;
use serde::Deserialize;
use table::{CodeSlot, GuardedWriteError, ProfileChanges};
use web::Input;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateRequest {
    target: Option<String>,
    username: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    password: Option<String>,
    role: Option<String>,
    phone_country_code: Option<String>,
    phone: Option<String>,
}

/// Everything the request asks for, parsed; nothing written yet.
struct Update {
    target: Option<UserId>,
    username: Option<Username>,
    first_name: Option<PersonName>,
    last_name: Option<PersonName>,
    email: Option<Email>,
    password: Option<Password>,
    role: Option<Role>,
    phone: Option<(String, String)>,
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

    fn parse(self) -> Result<Update, ApiError> {
        let role = match self.role.as_deref().map(Role::parse) {
            None => None,
            Some(Ok(role)) if role.is_listed() => Some(role),
            Some(_) => return Err(Error::invalid("role", "must be ghost or student").into()),
        };
        Ok(Update {
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
        })
    }
}

/// `PATCH /user/me` (scope `admin:profile:write`, as documented). Only the
/// fields `user.profile.editable-fields` lists may be sent; `target` and
/// `role` need the moderator role. A new email is not applied: a code goes
/// to the new address and `POST /user/verify-email` makes the switch.
pub async fn update_me(
    State(state): State<AppState>,
    headers: HeaderMap,
    Input(req, _): Input<UpdateRequest, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    req.check_editable(&state.config.profile_editable_fields)?;
    let update = req.parse()?;
    let principal = caller::bearer(&state, &headers, ADMIN_PROFILE_WRITE).await?;
    let target = target_of(&state, principal.user, &update).await?;
    let new_email = update.email.filter(|e| e.as_str() != target.email);
    let changes = ProfileChanges {
        username: update
            .username
            .map(|u| u.as_str().to_owned())
            .filter(|u| *u != target.username),
        first_name: update.first_name.map(PersonName::into_inner),
        last_name: update.last_name.map(PersonName::into_inner),
        phone: update.phone,
        password_hash: match update.password {
            Some(p) => Some(password::hash(p.expose()).await),
            None => None,
        },
        role: None,
    };
    // Conditional writes first: a taken username refuses before anything
    // else is written.
    state
        .store
        .update_profile(&target, &changes, Vec::new())
        .await?;
    if let Some(role) = update.role.filter(|r| *r != target.role) {
        match state.store.set_role(&target.id, role, None).await {
            Ok(()) => {}
            Err(GuardedWriteError::Store(e)) => return Err(e.into()),
            Err(_) => return Err(not_found().into()),
        }
    }
    if let Some(email) = new_email {
        let code = LinkCode::generate();
        let mut slot = CodeSlot::new(&target.id, Purpose::ChangeEmail, code.hash());
        slot.payload = Some(
            serde_json::to_string(&(target.email.as_str(), email.as_str()))
                .expect("two strings serialise"),
        );
        state.store.put_code(&slot, true).await?;
        let sent_code = code.expose();
        let (to_new, to_old) = tokio::join!(
            mail::change_email_code(&state.mailer, email.as_str(), &sent_code),
            mail::email_change_requested(&state.mailer, &target.email)
        );
        to_new?;
        to_old?;
    }
    Ok(done())
}

/// The user the update is for, and whether the caller may make it: another
/// user and any role change need the moderator role, and a moderator's
/// account is managed by operators.
async fn target_of(state: &AppState, caller: User, update: &Update) -> Result<User, ApiError> {
    let is_admin = caller.role == Role::Moderator;
    let target: User = match &update.target {
        Some(id) if *id != caller.id => {
            if !is_admin {
                return Err(
                    Error::forbidden("editing another user needs the moderator role")
                        .on("target")
                        .into(),
                );
            }
            let other = state.store.get_user(id).await?.ok_or_else(not_found)?;
            // Moderators are managed by operators, as on the Accounts API:
            // one moderator may not take over another's password or email.
            if other.role == Role::Moderator {
                return Err(Error::forbidden(
                    "another moderator's account is managed by operators",
                )
                .on("target")
                .into());
            }
            other
        }
        _ => caller,
    };
    if update.role.is_some() {
        if !is_admin {
            return Err(Error::forbidden("changing a role needs the moderator role")
                .on("role")
                .into());
        }
        if target.role == Role::Moderator {
            return Err(
                Error::forbidden("a moderator's role is managed by operators")
                    .on("role")
                    .into(),
            );
        }
    }
    Ok(target)
}
