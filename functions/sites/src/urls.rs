//! The absolute URLs the surface hands out: `RESOURCE_URI` (also in the
//! token response), each site's `TARGET_RESOURCE_URI`, invitation links and
//! the cursors' page URLs. Clients never build paths themselves.

use identity::Config;

pub fn resource_uri(config: &Config) -> String {
    config.sites_resource_uri()
}

pub fn target_resource_uri(config: &Config, site: u64) -> String {
    format!("{}sites/{site}/", resource_uri(config))
}

/// What names and proves an invitation: `<site>.<invitation>.<secret>`.
pub fn invitation_token(site: u64, invitation: u64, secret: &str) -> String {
    format!("{site}.{invitation}.{secret}")
}

/// The API's accept link (the `link` field): `<RESOURCE_URI>join/<token>`.
/// The email links to the hosted page instead (`<FRONTEND_URL>/join/<token>`,
/// built by the notifier from the token).
pub fn invitation_link(config: &Config, token: &str) -> String {
    format!("{}join/{token}", resource_uri(config))
}

/// `base` with `params` (empty values left out) as its query.
pub fn with_query(base: &str, params: &[(&str, &str)]) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in params.iter().filter(|(_, v)| !v.is_empty()) {
        query.append_pair(name, value);
    }
    let query = query.finish();
    if query.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{query}")
    }
}
