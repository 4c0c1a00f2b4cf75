//! The invitation link's credential, `<site>.<invitation>.<secret>`, read
//! and accepted. One home for the API (`POST /unet/join/{link}`) and the
//! hosted page (`/join/{link}` in `functions/pages`): the secret is compared
//! by its SHA-256 in constant time, and a link that does not match answers
//! exactly like no invitation.

use crate::identifier::unet_key;
use crate::model::{check_acceptable, InvitationStatus, InvitationType};
use crate::store::{InvitationRecord, MembershipRecord, SiteRecord, SitesStore};
use domain::opaque::hash_secret;
use domain::{Error, OpaqueToken, User};
use identity::AppState;
use subtle::ConstantTimeEq;
use table::StoreError;

/// A link token as typed: (site, invitation, secret), or nothing usable.
pub struct Link(Option<(u64, u64, OpaqueToken)>);

impl Link {
    pub fn parse(raw: &str) -> Self {
        let mut parts = raw.splitn(3, '.');
        let number = |p: Option<&str>| {
            let p = p?;
            (p.len() <= 20 && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        };
        let parsed = (|| {
            let site = number(parts.next())?;
            let invitation = number(parts.next())?;
            let secret = OpaqueToken::parse(parts.next()?)?;
            Some((site, invitation, secret))
        })();
        Link(parsed)
    }
}

/// What a link's records read as, before its secret is checked.
pub type Found = Result<(Option<InvitationRecord>, Option<SiteRecord>), StoreError>;

/// The invitation and its site (one round trip: both read at once).
pub async fn read(store: SitesStore<'_>, link: &Link) -> Found {
    let Some((site, id, _)) = &link.0 else {
        return Ok((None, None));
    };
    let (inv, record) = tokio::join!(store.invitation(*site, *id), store.site(*site));
    Ok((inv?, record?))
}

pub fn not_found() -> Error {
    Error::not_found("no such invitation")
}

/// The invitation and its site, if the link's secret is its secret and it
/// was not deleted.
pub fn check(link: &Link, found: Found) -> Result<(InvitationRecord, SiteRecord), Error> {
    let (Some((_, _, secret)), (Some(inv), Some(site))) = (&link.0, found?) else {
        return Err(not_found());
    };
    let same: bool = hash_secret(secret.expose())
        .as_bytes()
        .ct_eq(inv.link_hash.as_bytes())
        .into();
    if !same || inv.status == InvitationStatus::Deleted {
        return Err(not_found());
    }
    Ok((inv, site))
}

/// The link's invitation and site (a page showing what it is).
pub async fn open(state: &AppState, link: &Link) -> Result<(InvitationRecord, SiteRecord), Error> {
    check(link, read(SitesStore::of(state), link).await)
}

/// `user` accepts the checked invitation: still acceptable, addressed to
/// them when it names a platform user, and taken by exactly one accept.
pub async fn accept(
    state: &AppState,
    user: &User,
    inv: &InvitationRecord,
    site: &SiteRecord,
) -> Result<MembershipRecord, Error> {
    check_acceptable(inv.status)?;
    if inv.kind == InvitationType::Unet && inv.invitee_key != unet_key(user.seq) {
        return Err(Error::forbidden(
            "this invitation is for another platform user",
        ));
    }
    let accepted = SitesStore::of(state).accept(inv, site, user).await?;
    Ok(accepted.membership)
}
