//! Settings read once per cold start from the environment (template.yaml
//! sets them in the cloud, the Makefile locally).

#[derive(Debug, Clone)]
pub struct Config {
    pub table_name: String,
    pub email_from: String,
    /// Lifetime of an Accounts API token.
    pub account_token_ttl_secs: i64,
}

impl Config {
    pub fn from_env() -> Self {
        Self {
            table_name: var("TABLE_NAME").unwrap_or_else(|| "platform".into()),
            email_from: var("EMAIL_FROM").unwrap_or_else(|| "no-reply@platform.local".into()),
            account_token_ttl_secs: var("ACCOUNT_TOKEN_TTL_SECS")
                .and_then(|v| v.parse().ok())
                .unwrap_or(30 * 24 * 3600),
        }
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}
