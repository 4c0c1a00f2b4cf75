use crate::envelope::ok;
use crate::views::TokenView;
use crate::{path_token, ApiError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use domain::password_hash as password;
use domain::{Email, Password, PersonName, StudyGroup, User, Username, UsernameRule};
use identity::AppState;
use serde::Deserialize;
use web::{required, Input};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateRequest {
    username: Option<String>,
    password: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    study_group: Option<String>,
}

struct NewAccount {
    username: Username,
    password: Password,
    first_name: PersonName,
    last_name: PersonName,
    email: Email,
    study_group: Option<StudyGroup>,
}

impl CreateRequest {
    /// Field by field in the document's order, so the first error named
    /// is the first field that is wrong.
    fn parse(self) -> Result<NewAccount, ApiError> {
        let username = required(self.username, "username")?;
        let username =
            Username::parse(&username, UsernameRule::ACCOUNTS).map_err(|e| e.at("username"))?;
        let password = required(self.password, "password")?;
        let password = Password::parse(&password).map_err(|e| e.at("password"))?;
        let first_name = required(self.first_name, "firstName")?;
        let first_name = PersonName::parse(&first_name).map_err(|e| e.at("firstName"))?;
        let last_name = required(self.last_name, "lastName")?;
        let last_name = PersonName::parse(&last_name).map_err(|e| e.at("lastName"))?;
        let email = required(self.email, "email")?;
        let email = Email::parse(&email).map_err(|e| e.at("email"))?;
        let study_group = self
            .study_group
            .map(|g| StudyGroup::parse(&g).map_err(|e| e.at("studyGroup")))
            .transpose()?;
        Ok(NewAccount {
            username,
            password,
            first_name,
            last_name,
            email,
            study_group,
        })
    }
}

pub async fn create(
    State(state): State<AppState>,
    Input(req, _): Input<CreateRequest, ApiError>,
) -> Result<impl IntoResponse, ApiError> {
    let new = req.parse()?;
    // The hash (CPU) and the integer id (one write) do not depend on each other.
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
    user.study_group = new.study_group.map(StudyGroup::into_inner);
    let issued = identity::issue(
        path_token::KIND,
        &user.id,
        state.config.account_token_ttl_secs,
    );
    let user = state
        .store
        .create_user(&user, Some((&issued.hash, &issued.record)))
        .await?;
    Ok((
        StatusCode::CREATED,
        ok(TokenView::new(user, issued.token.expose())),
    ))
}
