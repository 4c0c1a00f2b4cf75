//! A profile update as one use case: who may edit whom (a moderator edits
//! others, never another moderator; only a moderator changes a role), then
//! every change, the username's sentinel move and an email change's code
//! in **one** transaction: the request saves all of it or nothing.

use crate::AppState;
use aws_sdk_dynamodb::types::Put;
use domain::codes::{LinkCode, Purpose};
use domain::password_hash;
use domain::{
    Email, Error, Message, MessageKind, Password, PersonName, Role, User, UserId, Username,
};
use table::{CodeSlot, ProfileChanges};

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
}

pub struct ProfileUpdated {
    /// The user as read before the update.
    pub target: User,
    /// A new address waiting for its code (mailed to it, with a notice to
    /// the old address, by the same transaction).
    pub email_change: Option<Email>,
}

#[tracing::instrument(skip_all)]
pub async fn update_profile(
    state: &AppState,
    editor: User,
    edit: ProfileEdit,
) -> Result<ProfileUpdated, Error> {
    let editor_role = editor.role;
    let target = target_of(state, editor, edit.target.as_ref()).await?;
    may_change_role(editor_role, target.role, edit.role.is_some())?;
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
    };
    let email_change = edit
        .email
        .filter(|e| e.as_str() != target.email)
        .map(|e| (e, LinkCode::generate()));
    let extra = match &email_change {
        Some((email, code)) => email_change_writes(state, &target, email, code)?,
        None => Vec::new(),
    };
    state.store.update_profile(&target, &changes, extra).await?;
    Ok(ProfileUpdated {
        target,
        email_change: email_change.map(|(email, _)| email),
    })
}

/// The code for the new address, its email, and the notice to the old one.
fn email_change_writes(
    state: &AppState,
    target: &User,
    email: &Email,
    code: &LinkCode,
) -> Result<Vec<Put>, Error> {
    let mut slot = CodeSlot::new(&target.id, Purpose::ChangeEmail, code.hash());
    slot.payload = Some(
        serde_json::to_string(&(target.email.as_str(), email.as_str()))
            .expect("two strings serialise"),
    );
    let mut puts = state.store.code_puts(&slot, true)?;
    let to_new =
        Message::new(email.as_str(), MessageKind::ChangeEmailCode).with("code", code.expose());
    let to_old = Message::new(&target.email, MessageKind::EmailChangeRequested);
    puts.push(state.store.outbox_put(&to_new)?);
    puts.push(state.store.outbox_put(&to_old)?);
    Ok(puts)
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
