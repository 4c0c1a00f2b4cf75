//! An invitee as the table knows it: a platform user named by username or
//! integer id is resolved to their canonical `unet:<id>` key, so both
//! spellings find (and collide with) the same invitation.

use crate::identifier::{unet_key, Invitee};
use crate::model::InvitationType;
use table::{Store, StoreError};

/// The invitee's type and canonical key; `None` for a user who does not
/// exist. One read at most (username: `Query gsi2`; id: sentinel `GetItem`).
pub async fn resolve(
    store: &Store,
    invitee: &Invitee,
) -> Result<Option<(InvitationType, String)>, StoreError> {
    Ok(match invitee {
        Invitee::Contact { kind, key } => Some((*kind, key.clone())),
        Invitee::UserSeq(seq) => store
            .user_id_by_seq(*seq)
            .await?
            .map(|_| (InvitationType::Unet, unet_key(*seq))),
        Invitee::Username(name) => store
            .find_user_by_username(name)
            .await?
            .map(|u| (InvitationType::Unet, unet_key(u.seq))),
    })
}
