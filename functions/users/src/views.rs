//! The response shapes of the document, field for field (nulls where unset).

use chrono::{DateTime, SecondsFormat, Utc};
use domain::{Role, User};
use serde::Serialize;
use serde_json::{Map, Value};

fn iso(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
}

/// How much of a user the caller may see (docs/api/users.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// The user themself, or a moderator.
    Full,
    /// Another user: no contact details or private data.
    Public,
}

/// The document's user object.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    #[serde(rename = "_id")]
    id: String,
    first_name: Option<String>,
    middle_name: Option<String>,
    last_name: Option<String>,
    gender: Option<String>,
    username: String,
    role: &'static str,
    bio: Option<String>,
    designation: Option<String>,
    profile_picture_url: Option<String>,
    pronouns: Option<String>,
    verified: bool,
    verified_date: Option<String>,
    custom_link: Option<String>,
    following_count: u64,
    follower_count: u64,
    is_private: bool,
    is_subscribed: bool,
    subscription_tier: Option<String>,
    subscription_expiry: Option<String>,
    is_banned: bool,
    is_restricted: bool,
    email: Option<String>,
    phone: Option<String>,
    /// Not in the document's object, which has no other place for it.
    phone_country_code: Option<String>,
    custom_data: Value,
}

impl UserView {
    pub fn new(u: User, picture_url: Option<String>, visibility: Visibility) -> Self {
        let full = visibility == Visibility::Full;
        // A private account shows its profile text to itself (and, once the
        // social issue adds them, its followers) only.
        let profile = full || !u.is_private;
        let now = domain::time::now();
        let is_subscribed =
            u.subscription_tier.is_some() && u.subscription_expiry.is_none_or(|e| e > now);
        let custom_data = u
            .custom_data
            .as_deref()
            .filter(|_| full)
            .and_then(|t| serde_json::from_str::<Value>(t).ok())
            .filter(Value::is_object)
            .unwrap_or_else(|| Value::Object(Map::new()));
        Self {
            id: u.id.to_string(),
            first_name: u.first_name,
            middle_name: u.patronymic,
            last_name: u.last_name,
            gender: u.gender.filter(|_| profile),
            username: u.username,
            role: u.role.as_str(),
            bio: u.bio.filter(|_| profile),
            designation: u.designation.filter(|_| profile),
            profile_picture_url: picture_url,
            pronouns: u.pronouns.filter(|_| profile),
            verified: u.email_verified,
            verified_date: iso(u.email_verified_at),
            custom_link: u.custom_link.filter(|_| profile),
            following_count: u.following_count,
            follower_count: u.follower_count,
            is_private: u.is_private,
            is_subscribed,
            subscription_tier: u.subscription_tier.filter(|_| full),
            subscription_expiry: iso(u.subscription_expiry).filter(|_| full),
            is_banned: u.banned,
            is_restricted: u.restricted,
            email: Some(u.email).filter(|_| full),
            phone: u.phone.filter(|_| full),
            phone_country_code: u.phone_country_code.filter(|_| full),
            custom_data,
        }
    }
}

/// A follow entry with the user on the other side: `source` (the
/// follower) in follower lists, requests and search results, `target` (the
/// followed) in following lists. In search results `_id` and `approved`
/// are the caller's own entry for that user (`null` / `false` without one).
#[derive(Serialize)]
pub struct FollowRecordView {
    #[serde(rename = "_id")]
    id: Option<String>,
    approved: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<UserView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<UserView>,
}

impl FollowRecordView {
    /// `user` is the follower (`source`) when `as_source`, else the followed.
    pub fn new(id: Option<String>, approved: bool, user: UserView, as_source: bool) -> Self {
        let (source, target) = if as_source {
            (Some(user), None)
        } else {
            (None, Some(user))
        };
        Self {
            id,
            approved,
            source,
            target,
        }
    }
}

/// One invite code of `GET /user/invite-codes` (`targetId` once used).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InviteCodeView {
    pub code: String,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_id: Option<String>,
}

impl InviteCodeView {
    pub fn new(
        code: String,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
        target_id: Option<String>,
    ) -> Self {
        Self {
            code,
            created_at: iso(Some(created_at)).unwrap_or_default(),
            updated_at: iso(Some(updated_at)).unwrap_or_default(),
            target_id,
        }
    }
}

/// The user part of a login that waits for its 2FA code.
#[derive(Serialize)]
pub struct BriefUserView {
    #[serde(rename = "_id")]
    id: String,
    username: String,
    email: String,
}

impl From<&User> for BriefUserView {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.to_string(),
            username: u.username.clone(),
            email: u.email.clone(),
        }
    }
}

/// One entry of `GET /roles/list`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleView {
    id: &'static str,
    display_name: &'static str,
    ranking: u32,
    description: &'static str,
    system: bool,
}

/// The platform's roles, lowest rank first (docs/surfaces.md).
pub fn role_catalogue() -> Vec<RoleView> {
    [Role::Ghost, Role::Student, Role::Moderator]
        .into_iter()
        .map(|role| {
            let (display_name, ranking, description) = match role {
                Role::Ghost => (
                    "Ghost",
                    1,
                    "A new account: may use the platform, not yet confirmed as a student.",
                ),
                Role::Student => ("Student", 2, "A confirmed student."),
                Role::Moderator => (
                    "Moderator",
                    3,
                    "Administers users; granted by operators only.",
                ),
            };
            RoleView {
                id: role.as_str(),
                display_name,
                ranking,
                description,
                system: true,
            }
        })
        .collect()
}

/// `user` as `viewer` may see them (all of it for themself and for
/// moderators), with its picture's URL.
pub async fn user_view_for(
    state: &identity::AppState,
    user: User,
    viewer: &User,
) -> Result<UserView, crate::ApiError> {
    let visibility = if user.id == viewer.id || viewer.role == Role::Moderator {
        Visibility::Full
    } else {
        Visibility::Public
    };
    let url = crate::pictures::url_of(state, user.profile_picture_key.as_deref()).await?;
    Ok(UserView::new(user, url, visibility))
}

/// The records of a page of follow entries: the follower (`source`) of
/// each when `as_source`, else the followed (`target`). An entry whose
/// user is gone is left out.
pub async fn follow_records(
    state: &identity::AppState,
    entries: Vec<crate::store::FollowEntry>,
    mut users: std::collections::HashMap<domain::UserId, User>,
    viewer: &User,
    as_source: bool,
) -> Result<Vec<FollowRecordView>, crate::ApiError> {
    let mut records = Vec::with_capacity(entries.len());
    for entry in entries {
        let other = if as_source {
            &entry.source
        } else {
            &entry.target
        };
        if let Some(user) = users.remove(other) {
            let view = user_view_for(state, user, viewer).await?;
            records.push(FollowRecordView::new(
                Some(entry.id),
                entry.approved,
                view,
                as_source,
            ));
        }
    }
    Ok(records)
}
