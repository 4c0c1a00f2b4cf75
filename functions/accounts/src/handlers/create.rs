use crate::envelope::ok;
use crate::views::TokenView;
use crate::{path_token, ApiError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use domain::{Email, Error, Password, PersonName, StudyGroup, Username, UsernameRule};
use identity::sign_up::{sign_up, FirstStep, NewUser, SignedUp};
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

impl CreateRequest {
    /// Field by field in the document's order, so the first error named
    /// is the first field that is wrong.
    fn parse(self) -> Result<NewUser, ApiError> {
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
        Ok(NewUser {
            username,
            password,
            first_name,
            last_name,
            email,
            phone: None,
            study_group,
        })
    }
}

pub async fn create(
    State(state): State<AppState>,
    Input(req, _): Input<CreateRequest, ApiError>,
) -> Result<impl IntoResponse, ApiError> {
    let first = FirstStep::Token {
        kind: path_token::KIND,
        ttl_secs: state.config.account_token_ttl_secs,
    };
    match sign_up(&state, req.parse()?, first).await? {
        SignedUp::WithToken { user, token } => Ok((
            StatusCode::CREATED,
            ok(TokenView::new(user, token.expose())),
        )),
        _ => Err(Error::internal("sign-up without its token").into()),
    }
}
