//! The follow lists: `GET /user/followers`, `/user/following`,
//! `/user/follow-requests` (the caller's) and `GET /user/{userId}/followers`,
//! `.../following` (anyone's). `limit` (1 to 100, default 20) and `offset`
//! (the `_id` of the previous page's last record); newest first. A private
//! user's lists are for the user and approved followers (403); an unknown
//! user, or one blocking or blocked by the caller, is 404.
//! Two round trips: the caller's check beside the page and the access
//! reads, then the page's users in one batch.

use crate::envelope::ok;
use crate::store::{
    not_found_user, private_account, with_caller, ListKind, PageRequest, SocialStore,
};
use crate::views::follow_records;
use crate::ApiError;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use domain::scopes::SOCIAL_FOLLOW_READ;
use domain::{Error, Role, User, UserId};
use identity::AppState;
use serde::Deserialize;
use serde_json::json;
use web::Input;

#[derive(Deserialize)]
pub struct PageQuery {
    limit: Option<String>,
    offset: Option<String>,
}

/// Who may see `owner`'s lists, from what was read beside the check.
struct Access {
    owner: Option<User>,
    blocked: bool,
    approved_follower: bool,
}

fn may_see(me: &User, owner_id: &UserId, access: &Access) -> Result<(), Error> {
    if me.id == *owner_id {
        return Ok(());
    }
    let owner = match &access.owner {
        Some(o) if !access.blocked && !o.banned => o,
        _ => return Err(not_found_user().on("userId")),
    };
    if owner.is_private && !access.approved_follower && me.role != Role::Moderator {
        return Err(private_account());
    }
    Ok(())
}

async fn list(
    state: &AppState,
    headers: &HeaderMap,
    owner: Option<UserId>,
    kind: ListKind,
    query: PageQuery,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let page = PageRequest::parse(query.limit, query.offset)?;
    let store = SocialStore::of(state);
    let (o, p) = (&owner, &page);
    let (me, (entries, access)) =
        with_caller(state, headers, SOCIAL_FOLLOW_READ, move |me| async move {
            let owner = o.clone().unwrap_or(me.clone());
            let reads = async {
                if owner == me {
                    return Ok(None);
                }
                let (user, blocked, follows) = tokio::join!(
                    store.user(&owner),
                    store.blocked_between(&me, &owner),
                    store.follows_approved(&me, &owner)
                );
                Ok::<_, Error>(Some(Access {
                    owner: user?,
                    blocked: blocked?,
                    approved_follower: follows?,
                }))
            };
            let (entries, access) = tokio::join!(store.list_page(kind, &owner, p), reads);
            Ok((entries?, access?))
        })
        .await?;
    let owner = owner.unwrap_or_else(|| me.id.clone());
    if let Some(access) = &access {
        may_see(&me, &owner, access)?;
    }
    let as_source = kind != ListKind::Following;
    let ids: Vec<UserId> = entries
        .iter()
        .map(|e| {
            if as_source {
                e.source.clone()
            } else {
                e.target.clone()
            }
        })
        .collect();
    let users = store.users(&ids).await?;
    let records = follow_records(state, entries, users, &me, as_source).await?;
    Ok(ok(json!({ "records": records })))
}

/// The kinds as route constants (`mine::<FOLLOWERS>`): one handler each.
pub const FOLLOWERS: u8 = 0;
pub const FOLLOWING: u8 = 1;
pub const REQUESTS: u8 = 2;

fn kind(k: u8) -> ListKind {
    match k {
        FOLLOWING => ListKind::Following,
        REQUESTS => ListKind::Requests,
        _ => ListKind::Followers,
    }
}

/// `GET /user/followers`, `/user/following`, `/user/follow-requests`.
pub async fn mine<const K: u8>(
    State(state): State<AppState>,
    headers: HeaderMap,
    Input(q, _): Input<PageQuery, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    list(&state, &headers, None, kind(K), q).await
}

/// `GET /user/{userId}/followers`, `.../following`.
pub async fn of_user<const K: u8>(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    Input(q, _): Input<PageQuery, ApiError>,
) -> Result<Json<impl serde::Serialize>, ApiError> {
    let owner = UserId::parse(&raw).map_err(|e| e.at("userId"))?;
    list(&state, &headers, Some(owner), kind(K), q).await
}
