//! Settings read once per cold start from the environment (template.yaml
//! sets them in the cloud, the Makefile locally).

#[derive(Debug, Clone)]
pub struct Config {
    pub table_name: String,
    pub email_from: String,
    /// Lifetime of an Accounts API token.
    pub account_token_ttl_secs: i64,
    /// OAuth issuer (`iss` of access tokens, base of the metadata URLs).
    pub oauth_issuer: String,
    /// `aud` of access tokens: the platform's delegated APIs.
    pub oauth_audience: String,
    /// Lifetime of a JWT access token.
    pub access_token_ttl_secs: i64,
    /// Lifetime of a refresh token family (each rotation keeps the family's end).
    pub refresh_token_ttl_secs: i64,
    /// Users API `user.account-creation.require-email-verification`
    /// (`USER_ACCOUNT_CREATION_REQUIRE_EMAIL_VERIFICATION`, default true).
    pub require_email_verification: bool,
    /// Users API `user.profile.editable-fields` (`USER_PROFILE_EDITABLE_FIELDS`,
    /// comma-separated request field names `PATCH /user/me` accepts).
    pub profile_editable_fields: Vec<String>,
    /// Users API `user.account-creation.invite-only`
    /// (`USER_ACCOUNT_CREATION_INVITE_ONLY`, default off): sign-up through
    /// the Users API needs an unused invite code.
    pub invite_only: bool,
    /// Invite codes each verified user gets (`USER_INVITE_CODES_PER_USER`,
    /// 1 to 50, default 5).
    pub invite_codes_per_user: u32,
    /// S3 bucket of profile pictures (`PROFILE_PICTURE_BUCKET`).
    pub profile_picture_bucket: String,
    /// Path-style S3 URLs (`S3_FORCE_PATH_STYLE`; default: on when
    /// `AWS_ENDPOINT_URL` points at an emulator, whose host cannot take a
    /// bucket subdomain).
    pub s3_force_path_style: bool,
    /// Public base URL of the API serving the Sites API (`SITES_BASE_URL`,
    /// no trailing slash; default: the OAuth issuer, which locally is the
    /// dev server). `RESOURCE_URI` is [`Config::sites_resource_uri`].
    pub sites_base_url: String,
    /// Where people open the hosted pages (`FRONTEND_URL`, no trailing
    /// slash; default: the OAuth issuer, whose origin serves them): every
    /// link in an email goes to a page under it.
    pub frontend_url: String,
    /// The product's name in emails, on the hosted pages and as the label
    /// authenticator apps show (`PAGES_PRODUCT_NAME`, default `Platform`).
    pub product_name: String,
    /// The SES configuration set every email is sent with
    /// (`SES_CONFIGURATION_SET`; none when unset): bounces and complaints
    /// reach the suppression list through it (docs/deploy.md).
    pub ses_configuration_set: Option<String>,
    /// Roles whose accounts answer a second factor on every sign-in, 2FA
    /// on or not (`MFA_REQUIRED_ROLES`, comma-separated role names, e.g.
    /// `moderator`; default none): `identity::gate` decides it.
    pub mfa_required_roles: Vec<String>,
}

/// The product's name when none is configured.
pub const DEFAULT_PRODUCT_NAME: &str = "Platform";

/// A configured product name: trimmed, at most 60 characters, the default
/// when blank.
pub fn product_name(raw: Option<String>) -> String {
    raw.map(|n| n.trim().chars().take(60).collect::<String>())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| DEFAULT_PRODUCT_NAME.to_owned())
}

impl Config {
    /// The Sites API's `RESOURCE_URI` (absolute, ending in `/`): what the
    /// token response carries with the `user_sites` scope.
    pub fn sites_resource_uri(&self) -> String {
        format!("{}/unet/", self.sites_base_url)
    }
}

impl Config {
    pub fn from_env() -> Self {
        Self {
            table_name: var("TABLE_NAME").unwrap_or_else(|| "platform".into()),
            email_from: var("EMAIL_FROM").unwrap_or_else(|| "no-reply@platform.local".into()),
            account_token_ttl_secs: var("ACCOUNT_TOKEN_TTL_SECS")
                .and_then(|v| v.parse().ok())
                .unwrap_or(30 * 24 * 3600),
            oauth_issuer: var("OAUTH_ISSUER")
                .map(|v| v.trim_end_matches('/').to_owned())
                .unwrap_or_else(|| "http://127.0.0.1:3000".into()),
            oauth_audience: var("OAUTH_AUDIENCE").unwrap_or_else(|| "platform-api".into()),
            access_token_ttl_secs: var("ACCESS_TOKEN_TTL_SECS")
                .and_then(|v| v.parse().ok())
                .filter(|v| (60..=3600).contains(v))
                .unwrap_or(600),
            refresh_token_ttl_secs: var("REFRESH_TOKEN_TTL_SECS")
                .and_then(|v| v.parse().ok())
                .unwrap_or(30 * 24 * 3600),
            require_email_verification: var("USER_ACCOUNT_CREATION_REQUIRE_EMAIL_VERIFICATION")
                .map(|v| {
                    !matches!(
                        v.to_ascii_lowercase().as_str(),
                        "false" | "0" | "no" | "off"
                    )
                })
                .unwrap_or(true),
            profile_editable_fields: var("USER_PROFILE_EDITABLE_FIELDS")
                .unwrap_or_else(|| DEFAULT_EDITABLE_FIELDS.into())
                .split(',')
                .map(|f| f.trim().to_owned())
                .filter(|f| !f.is_empty())
                .collect(),
            invite_only: var("USER_ACCOUNT_CREATION_INVITE_ONLY").is_some_and(|v| {
                matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes" | "on")
            }),
            invite_codes_per_user: var("USER_INVITE_CODES_PER_USER")
                .and_then(|v| v.parse().ok())
                .filter(|v| (1..=50).contains(v))
                .unwrap_or(5),
            profile_picture_bucket: var("PROFILE_PICTURE_BUCKET")
                .unwrap_or_else(|| "platform-profile-pictures".into()),
            s3_force_path_style: var("S3_FORCE_PATH_STYLE")
                .map(|v| v == "true" || v == "1")
                .unwrap_or_else(|| var("AWS_ENDPOINT_URL").is_some()),
            sites_base_url: base_url("SITES_BASE_URL"),
            frontend_url: base_url("FRONTEND_URL"),
            product_name: product_name(var("PAGES_PRODUCT_NAME")),
            ses_configuration_set: var("SES_CONFIGURATION_SET"),
            mfa_required_roles: var("MFA_REQUIRED_ROLES")
                .unwrap_or_default()
                .split(',')
                .map(|r| r.trim().to_ascii_lowercase())
                .filter(|r| !r.is_empty())
                .collect(),
        }
    }
}

/// Every field the Users API document lists for `PATCH /user/me`.
pub const DEFAULT_EDITABLE_FIELDS: &str =
    "username,firstName,lastName,email,password,role,phoneCountryCode,phone";

/// A public base URL from `name`, else the OAuth issuer (locally the dev
/// server), without a trailing slash.
fn base_url(name: &str) -> String {
    var(name)
        .or_else(|| var("OAUTH_ISSUER"))
        .map(|v| v.trim_end_matches('/').to_owned())
        .unwrap_or_else(|| "http://127.0.0.1:3000".into())
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}
