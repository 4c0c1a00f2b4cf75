//! `POST /account/profile`: the signed-in user changes their username and
//! name through `identity::profile_update`, the same rules as the Users
//! API's `PUT /user/me` (the username's lock moves in the same write, so a
//! taken name is refused on its field). The email address is changed
//! through the API, where the new address is confirmed by code.

use super::account::{edit_own, refuse, Edit};
use super::action;
use crate::context::Ctx;
use crate::form::Form;
use crate::render::see_other;
use axum::extract::State;
use axum::response::Response;
use domain::{Error, PersonName, Username, UsernameRule};
use identity::profile_update::ProfileEdit;
use identity::AppState;
use web::SignInAttempt;

const FIELDS: &[&str] = &["username", "firstName", "lastName"];

/// Each field is required: the form shows the current values.
fn parse(form: &Form) -> Result<ProfileEdit, Error> {
    let text = |name: &'static str| {
        form.text(name)
            .ok_or_else(|| Error::invalid(name, "is required"))
    };
    let username =
        Username::parse(&text("username")?, UsernameRule::USERS).map_err(|e| e.at("username"))?;
    let first_name = PersonName::parse(&text("firstName")?).map_err(|e| e.at("firstName"))?;
    let last_name = PersonName::parse(&text("lastName")?).map_err(|e| e.at("lastName"))?;
    Ok(ProfileEdit {
        username: Some(username),
        first_name: Some(first_name),
        last_name: Some(last_name),
        ..ProfileEdit::default()
    })
}

pub async fn save(
    State(state): State<AppState>,
    SignInAttempt(attempt): SignInAttempt,
    ctx: Ctx,
    form: Form,
) -> Response {
    match edit_own(&state, &attempt, &ctx, &form, parse).await {
        Edit::Done(lang) => see_other(
            &format!("{}&notice=profile_saved", action("/account", lang)),
            Vec::new(),
        ),
        Edit::SignIn(to) => to,
        Edit::Refused(user, lang, e) => refuse(&state, &ctx, lang, &user, &e, FIELDS).await,
    }
}
