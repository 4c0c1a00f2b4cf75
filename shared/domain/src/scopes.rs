//! The scope catalogue: every OAuth scope any surface checks, in one place.
//! A client is registered with a subset; a token carries a subset of that.
//! Names are those of the API documents (Users API, Sites API).

/// `GET /user/me`, `GET /user/:userId`.
pub const PROFILE_READ: &str = "delegated:profile:read";
/// `POST /user/private`, profile picture set / remove.
pub const PROFILE_WRITE: &str = "delegated:profile:write";
/// `PATCH /user/me` (the document names this scope even for one's own
/// profile; editing *another* user through `target` also needs an admin role).
pub const ADMIN_PROFILE_WRITE: &str = "admin:profile:write";
/// `GET /roles/list`.
pub const ROLES_READ: &str = "delegated:roles:read";
/// `POST /user/search`.
pub const PROFILE_SEARCH: &str = "delegated:profile:search";
/// `POST /user/block`, `POST /user/unblock`.
pub const SOCIAL_BLOCK_WRITE: &str = "delegated:social:block:write";
/// Followers, following and follow-request lists.
pub const SOCIAL_FOLLOW_READ: &str = "delegated:social:follow:read";
/// Follow, unfollow, accept a request, delete a follow entry.
pub const SOCIAL_FOLLOW_WRITE: &str = "delegated:social:follow:write";
/// `GET /user/invite-codes`.
pub const SOCIAL_INVITE_CODE_READ: &str = "delegated:social:invite-code:read";
/// The Sites API (`sites/`, members, invitations).
pub const USER_SITES: &str = "user_sites";
/// OpenID Connect: the token response carries an `id_token`, and
/// `/userinfo` answers with the user's `sub`.
pub const OPENID: &str = "openid";
/// OpenID Connect: `/userinfo` adds the standard profile claims.
pub const PROFILE: &str = "profile";
/// OpenID Connect: `/userinfo` adds `email` and `email_verified`.
pub const EMAIL: &str = "email";

/// Every scope the platform knows, in a stable order.
pub const ALL: &[&str] = &[
    PROFILE_READ,
    PROFILE_WRITE,
    ADMIN_PROFILE_WRITE,
    ROLES_READ,
    PROFILE_SEARCH,
    SOCIAL_BLOCK_WRITE,
    SOCIAL_FOLLOW_READ,
    SOCIAL_FOLLOW_WRITE,
    SOCIAL_INVITE_CODE_READ,
    USER_SITES,
    OPENID,
    PROFILE,
    EMAIL,
];

/// The catalogue's entry for `name`, if it is a known scope.
pub fn known(name: &str) -> Option<&'static str> {
    ALL.iter().copied().find(|s| *s == name)
}

/// A space-separated scope list (RFC 6749 §3.3) that names only known
/// scopes, without duplicates, in catalogue order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScopeSet(Vec<&'static str>);

/// A scope list naming something outside the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown scope `{0}`")]
pub struct UnknownScope(pub String);

impl ScopeSet {
    /// Parses `raw` (space-separated); empty input is the empty set.
    pub fn parse(raw: &str) -> Result<Self, UnknownScope> {
        let mut names = Vec::new();
        for part in raw.split(' ').filter(|p| !p.is_empty()) {
            names.push(known(part).ok_or_else(|| UnknownScope(part.to_owned()))?);
        }
        Ok(Self::from_known(names))
    }

    /// Like `parse`, but drops unknown names instead of refusing: for lists
    /// read back from our own signed tokens and stored records, where an
    /// unknown name can only be a retired scope.
    pub fn parse_lenient(raw: &str) -> Self {
        Self::from_known(raw.split(' ').filter_map(known).collect())
    }

    fn from_known(mut names: Vec<&'static str>) -> Self {
        names.sort_by_key(|n| ALL.iter().position(|s| s == n));
        names.dedup();
        Self(names)
    }

    pub fn contains(&self, scope: &str) -> bool {
        self.0.contains(&scope)
    }

    pub fn is_subset_of(&self, other: &ScopeSet) -> bool {
        self.0.iter().all(|s| other.contains(s))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().copied()
    }
}

impl std::fmt::Display for ScopeSet {
    /// The space-separated form tokens and responses carry.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_orders_and_dedups() {
        let s =
            ScopeSet::parse("delegated:roles:read  delegated:profile:read delegated:roles:read")
                .unwrap();
        assert_eq!(s.to_string(), "delegated:profile:read delegated:roles:read");
        assert!(s.contains(ROLES_READ));
        assert!(!s.contains(PROFILE_WRITE));
        assert!(ScopeSet::parse("").unwrap().is_empty());
    }

    #[test]
    fn refuses_unknown_scopes() {
        assert_eq!(
            ScopeSet::parse("delegated:profile:read root").unwrap_err(),
            UnknownScope("root".into())
        );
        assert_eq!(
            ScopeSet::parse_lenient("root user_sites").to_string(),
            "user_sites"
        );
    }

    #[test]
    fn subsets() {
        let all = ScopeSet::parse(&ALL.join(" ")).unwrap();
        let some = ScopeSet::parse(USER_SITES).unwrap();
        assert!(some.is_subset_of(&all));
        assert!(!all.is_subset_of(&some));
        assert!(ScopeSet::default().is_subset_of(&some));
    }
}
