//! A profile update as one use case: who may edit whom (a moderator edits
//! others, never another moderator; only a moderator changes a role), then
//! every change, the username's sentinel move and an email change's code
//! in **one** transaction: the request saves all of it or nothing.
//!
//! A new password is a security change: one's own needs the current
//! password (a bearer token proves no recent sign-in), and any new
//! password, one's own or set by a moderator, ends every session and token
//! of the account (the revocation stamp moves in the same write) and tells
//! the account's address.

use crate::gate::Attempt;
use crate::AppState;
use domain::audit::{Event, Kind};
use domain::password_hash;
use domain::{
    Email, Error, Message, MessageKind, Password, PersonName, Role, User, UserId, Username,
};
use table::ProfileChanges;

/// A validated edit; `None` leaves a field as it is.
#[derive(Default)]
pub struct ProfileEdit {
    /// Another user to edit (moderators only); `None` edits the editor.
    pub target: Option<UserId>,
    pub username: Option<Username>,
    pub first_name: Option<PersonName>,
    pub last_name: Option<PersonName>,
    pub email: Option<Email>,
    pub password: Option<Password>,
    pub role: Option<Role>,
    pub phone: Option<(String, String)>,
    /// The editor's current password, which a change of their own
    /// password needs.
    pub current_password: Option<String>,
}

pub struct ProfileUpdated {
    /// The user as read before the update.
    pub target: User,
    /// A new address waiting for its code (mailed to it, with a notice to
    /// the old address, by the same transaction).
    pub email_change: Option<Email>,
}

pub fn current_password_required() -> Error {
    Error::invalid(
        "currentPassword",
        "changing your password needs your current password",
    )
}

#[tracing::instrument(skip_all)]
pub async fn update_profile(
    state: &AppState,
    attempt: &Attempt,
    editor: User,
    edit: ProfileEdit,
) -> Result<ProfileUpdated, Error> {
    let editor_role = editor.role;
    let editor_id = editor.id.clone();
    let own = edit.target.as_ref().is_none_or(|t| *t == editor.id);
    let editor = match (&edit.password, own) {
        (Some(_), true) => {
            let current = edit
                .current_password
                .as_deref()
                .ok_or_else(current_password_required)?;
            crate::gate::reauthenticate(state, attempt, editor, current).await?
        }
        _ => editor,
    };
    let target = target_of(state, editor, edit.target.as_ref()).await?;
    may_change_role(editor_role, target.role, edit.role.is_some())?;
    let new_password = edit.password.is_some();
    let changes = ProfileChanges {
        username: edit
            .username
            .map(|u| u.as_str().to_owned())
            .filter(|u| *u != target.username),
        first_name: edit.first_name.map(PersonName::into_inner),
        last_name: edit.last_name.map(PersonName::into_inner),
        phone: edit.phone,
        password_hash: match edit.password {
            Some(p) => Some(password_hash::hash(p.expose()).await),
            None => None,
        },
        role: edit.role.filter(|r| *r != target.role),
        void_tokens: new_password,
    };
    let email_writes = match &edit.email {
        Some(email) => crate::email_change::request(state, &target, email)?,
        None => None,
    };
    let email_change = email_writes.is_some().then_some(edit.email).flatten();
    let mut extra = email_writes.unwrap_or_default();
    if new_password {
        let notice = Message::to_user(&target, MessageKind::PasswordChanged);
        extra.push(state.store.outbox_put(&notice)?);
    }
    for event in events(attempt, &editor_id, &target, &changes) {
        extra.push(state.store.audit_put(&target.id, &event)?);
    }
    state.store.update_profile(&target, &changes, extra).await?;
    Ok(ProfileUpdated {
        target,
        email_change,
    })
}

/// The security events of an edit, written in its transaction: a new
/// password and a new role, by the user or by a moderator.
fn events(
    attempt: &Attempt,
    editor: &UserId,
    target: &User,
    changes: &ProfileChanges,
) -> Vec<Event> {
    let by = |kind| match *editor == target.id {
        true => attempt.event(kind),
        false => {
            Event::by_moderator(kind, editor).from(attempt.source, attempt.user_agent.as_deref())
        }
    };
    let mut events = Vec::new();
    if changes.password_hash.is_some() {
        events.push(by(Kind::PasswordChanged));
    }
    if let Some(role) = changes.role {
        events.push(by(Kind::RoleChanged).with("role", role.as_str()));
    }
    events
}

/// The user being edited: the editor, or another user whom the editor may
/// edit (see [`may_edit_other`]).
async fn target_of(state: &AppState, editor: User, target: Option<&UserId>) -> Result<User, Error> {
    let Some(id) = target.filter(|id| **id != editor.id) else {
        return Ok(editor);
    };
    may_edit_other(editor.role, None)?;
    let other = state
        .store
        .get_user(id)
        .await?
        .ok_or_else(|| Error::not_found("no such user"))?;
    may_edit_other(editor.role, Some(other.role))?;
    Ok(other)
}

/// Only a moderator edits another user, and never another moderator:
/// moderators are managed by operators, as on the Accounts API, so one may
/// not take over another's password or email. `target` is `None` before
/// the other user is read.
pub fn may_edit_other(editor: Role, target: Option<Role>) -> Result<(), Error> {
    if editor != Role::Moderator {
        return Err(Error::forbidden("editing another user needs the moderator role").on("target"));
    }
    if target == Some(Role::Moderator) {
        return Err(
            Error::forbidden("another moderator's account is managed by operators").on("target"),
        );
    }
    Ok(())
}

/// Only a moderator changes a role, and never a moderator's.
pub fn may_change_role(editor: Role, target: Role, changes_role: bool) -> Result<(), Error> {
    if !changes_role {
        return Ok(());
    }
    if editor != Role::Moderator {
        return Err(Error::forbidden("changing a role needs the moderator role").on("role"));
    }
    if target == Role::Moderator {
        return Err(Error::forbidden("a moderator's role is managed by operators").on("role"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(result: Result<(), Error>) -> Option<String> {
        result.err().and_then(|e| e.field.map(|f| f.into_owned()))
    }

    #[test]
    fn only_moderators_edit_others_and_never_another_moderator() {
        assert!(may_edit_other(Role::Moderator, None).is_ok());
        assert!(may_edit_other(Role::Moderator, Some(Role::Student)).is_ok());
        assert!(may_edit_other(Role::Moderator, Some(Role::Ghost)).is_ok());
        for editor in [Role::Ghost, Role::Student] {
            assert_eq!(
                field(may_edit_other(editor, None)).as_deref(),
                Some("target")
            );
        }
        assert_eq!(
            field(may_edit_other(Role::Moderator, Some(Role::Moderator))).as_deref(),
            Some("target")
        );
    }

    #[test]
    fn only_moderators_change_roles_and_never_a_moderators() {
        assert!(may_change_role(Role::Ghost, Role::Ghost, false).is_ok());
        assert!(may_change_role(Role::Moderator, Role::Ghost, true).is_ok());
        assert_eq!(
            field(may_change_role(Role::Student, Role::Ghost, true)).as_deref(),
            Some("role")
        );
        assert_eq!(
            field(may_change_role(Role::Moderator, Role::Moderator, true)).as_deref(),
            Some("role")
        );
    }
}
