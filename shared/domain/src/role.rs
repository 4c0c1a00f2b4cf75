use super::invalid::Invalid;
use serde::{Deserialize, Serialize};

/// The platform's roles. `ghost` is what a new account gets; `moderator`
/// can only be granted by an operator (CLI), never through an API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Ghost,
    Student,
    Moderator,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Ghost => "ghost",
            Role::Student => "student",
            Role::Moderator => "moderator",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        match raw {
            "ghost" => Ok(Role::Ghost),
            "student" => Ok(Role::Student),
            "moderator" => Ok(Role::Moderator),
            _ => Err(Invalid::new("must be one of ghost, student, moderator")),
        }
    }

    /// Roles that moderators see in `listAccounts` and may assign.
    pub fn is_listed(self) -> bool {
        matches!(self, Role::Ghost | Role::Student)
    }
}
