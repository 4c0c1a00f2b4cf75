//! The response shapes of the document, field for field (nulls where unset).

use domain::User;
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    first_name: Option<String>,
    last_name: Option<String>,
    patronymic: Option<String>,
    role: &'static str,
    study_group: Option<String>,
    tg_id: Option<String>,
    username: String,
    id: String,
    email: String,
}

impl From<User> for AccountView {
    fn from(u: User) -> Self {
        Self {
            first_name: u.first_name,
            last_name: u.last_name,
            patronymic: u.patronymic,
            role: u.role.as_str(),
            study_group: u.study_group,
            tg_id: u.tg_id,
            username: u.username,
            id: u.id.to_string(),
            email: u.email,
        }
    }
}

/// What `create` and `auth` answer: the account and its new token.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenView {
    id: String,
    token: String,
    username: String,
    first_name: Option<String>,
    last_name: Option<String>,
    role: &'static str,
}

impl TokenView {
    pub fn new(u: User, token: &str) -> Self {
        Self {
            id: u.id.to_string(),
            token: token.to_owned(),
            username: u.username,
            first_name: u.first_name,
            last_name: u.last_name,
            role: u.role.as_str(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListedView {
    first_name: Option<String>,
    id: String,
    last_name: Option<String>,
    role: &'static str,
    username: String,
}

impl From<User> for ListedView {
    fn from(u: User) -> Self {
        Self {
            first_name: u.first_name,
            id: u.id.to_string(),
            last_name: u.last_name,
            role: u.role.as_str(),
            username: u.username,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BioView {
    first_name: Option<String>,
    last_name: Option<String>,
    study_group: Option<String>,
    username: String,
    id: String,
    role: &'static str,
}

impl From<User> for BioView {
    fn from(u: User) -> Self {
        Self {
            first_name: u.first_name,
            last_name: u.last_name,
            study_group: u.study_group,
            username: u.username,
            id: u.id.to_string(),
            role: u.role.as_str(),
        }
    }
}
