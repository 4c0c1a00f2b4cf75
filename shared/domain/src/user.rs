use super::{Role, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The one user record every surface reads and renders in its own shape
/// (docs/surfaces.md). Stored as one item; fields added by later surfaces
/// carry `#[serde(default)]` so older items still read.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    /// Integer id for the surfaces whose documents use integers.
    pub seq: u64,
    /// As the user typed it; uniqueness is on its lowercase key.
    pub username: String,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub patronymic: Option<String>,
    pub study_group: Option<String>,
    pub tg_id: Option<String>,
    pub role: Role,
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
    /// Tokens of every kind issued before this instant (ms) are void: logout
    /// everywhere, a password reset or a ban moves it forward.
    pub tokens_valid_after: i64,
    #[serde(default)]
    pub failed_logins: u32,
    /// Login refused until this instant (ms) after repeated failures.
    #[serde(default)]
    pub locked_until: Option<i64>,
    #[serde(default)]
    pub last_login: Option<DateTime<Utc>>,
    /// A JSON object, kept as the text the user sent.
    #[serde(default)]
    pub preferences: Option<String>,
    #[serde(default)]
    pub banned: bool,
    #[serde(default)]
    pub email_verified: bool,
    // Users API profile (docs/surfaces.md maps each to its JSON name).
    #[serde(default)]
    pub email_verified_at: Option<DateTime<Utc>>,
    /// Created through the Users API while email verification is required
    /// and not verified yet: may not log in. Accounts created elsewhere
    /// never carry it, so they log in here as they are.
    #[serde(default)]
    pub verification_pending: bool,
    #[serde(default)]
    pub two_factor_enabled: bool,
    /// When 2FA was last turned on or off (ms): a device remembered for the
    /// second factor before it is remembered no more.
    #[serde(default)]
    pub two_factor_since: i64,
    #[serde(default)]
    pub gender: Option<String>,
    #[serde(default)]
    pub bio: Option<String>,
    #[serde(default)]
    pub designation: Option<String>,
    #[serde(default)]
    pub pronouns: Option<String>,
    #[serde(default)]
    pub custom_link: Option<String>,
    /// A JSON object, kept as text (like `preferences`).
    #[serde(default)]
    pub custom_data: Option<String>,
    #[serde(default)]
    pub phone_country_code: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// S3 key of the current profile picture.
    #[serde(default)]
    pub profile_picture_key: Option<String>,
    #[serde(default)]
    pub is_private: bool,
    #[serde(default)]
    pub restricted: bool,
    #[serde(default)]
    pub subscription_tier: Option<String>,
    #[serde(default)]
    pub subscription_expiry: Option<DateTime<Utc>>,
    /// Active TOTP secret (base32). Stored plaintext: the server must
    /// compute codes from it (docs/decisions.md on its protection).
    #[serde(default)]
    pub totp_secret: Option<String>,
    /// A secret from `/user/2fa/totp/setup` awaiting its first code.
    #[serde(default)]
    pub totp_pending: Option<String>,
    /// The last TOTP time step accepted: a code works once.
    #[serde(default)]
    pub totp_last_step: i64,
    /// Hashes of the unused recovery codes (a map, so one is removed by
    /// name under a condition, without index shifts).
    #[serde(default)]
    pub recovery_codes: std::collections::BTreeMap<String, bool>,
    // Users API social half: maintained counters of approved follow
    // entries, written in the same transaction as the entry.
    #[serde(default)]
    pub follower_count: u64,
    #[serde(default)]
    pub following_count: u64,
    // App Users API (docs/api/app-users.md).
    /// Operator-only flag (`platform superuser`); no API sets it.
    #[serde(default)]
    pub is_superuser: bool,
    /// Why the account was banned (App Users API backend).
    #[serde(default)]
    pub ban_reason: Option<String>,
    /// Preferred language code (`en`, `es`, …); `None` reads as `en`.
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub timezone: Option<String>,
    /// `male`, `female` or `other`, as the user stated it.
    #[serde(default)]
    pub sex: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub birth_date: Option<String>,
    /// Ids in the country / city catalogue.
    #[serde(default)]
    pub country_id: Option<u64>,
    #[serde(default)]
    pub city_id: Option<u64>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub networks: Vec<String>,
    /// Notification settings by code; a code not in the map is on.
    #[serde(default)]
    pub notification_settings: std::collections::BTreeMap<String, bool>,
    #[serde(default)]
    pub privacy_settings: PrivacySettings,
    /// Notifications stored in the user's history (the last integer id).
    #[serde(default)]
    pub notifications_total: u64,
    /// When the owner or an operator asked for the account's deletion
    /// (ms): from then on nothing signs in as it and the cascade
    /// (`functions/lifecycle`) is erasing it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleting_since: Option<i64>,
}

/// Who sees what of a profile (App Users API's preferences model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacySettings {
    pub profile_public: bool,
    pub show_earnings: bool,
    pub show_campaigns: bool,
}

impl Default for PrivacySettings {
    fn default() -> Self {
        Self {
            profile_public: true,
            show_earnings: false,
            show_campaigns: true,
        }
    }
}

impl User {
    /// A new account with every optional field unset. Surfaces fill in what
    /// their create request carries; fields added later get their default
    /// here, in one place.
    pub fn new(seq: u64, username: String, email: String, password_hash: String) -> Self {
        Self {
            id: UserId::generate(),
            seq,
            username,
            email,
            first_name: None,
            last_name: None,
            patronymic: None,
            study_group: None,
            tg_id: None,
            role: Role::Ghost,
            password_hash,
            created_at: crate::time::now(),
            tokens_valid_after: 0,
            failed_logins: 0,
            locked_until: None,
            last_login: None,
            preferences: None,
            banned: false,
            email_verified: false,
            email_verified_at: None,
            verification_pending: false,
            two_factor_enabled: false,
            two_factor_since: 0,
            gender: None,
            bio: None,
            designation: None,
            pronouns: None,
            custom_link: None,
            custom_data: None,
            phone_country_code: None,
            phone: None,
            profile_picture_key: None,
            is_private: false,
            restricted: false,
            subscription_tier: None,
            subscription_expiry: None,
            totp_secret: None,
            totp_pending: None,
            totp_last_step: 0,
            recovery_codes: Default::default(),
            follower_count: 0,
            following_count: 0,
            is_superuser: false,
            ban_reason: None,
            language: None,
            timezone: None,
            sex: None,
            birth_date: None,
            country_id: None,
            city_id: None,
            categories: Vec::new(),
            networks: Vec::new(),
            notification_settings: Default::default(),
            privacy_settings: PrivacySettings::default(),
            notifications_total: 0,
            deleting_since: None,
        }
    }
}
