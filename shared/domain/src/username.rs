use super::invalid::{check_length, Invalid};

/// Length bounds of a username on one surface. The character set is the same
/// everywhere (`[A-Za-z0-9_]`) and uniqueness is case-insensitive across all
/// surfaces, because a username names one identity everywhere.
#[derive(Debug, Clone, Copy)]
pub struct UsernameRule {
    pub min: usize,
    pub max: usize,
}

impl UsernameRule {
    /// Accounts API v1: [3, 16] characters.
    pub const ACCOUNTS: UsernameRule = UsernameRule { min: 3, max: 16 };
    /// Users API: "text, numbers and _ and at least 8"; at most 32, so a
    /// name still fits a profile line (and stays within `LOOKUP`).
    pub const USERS: UsernameRule = UsernameRule { min: 8, max: 32 };
    /// Looking a name up (login, exists): any length a surface may have
    /// created, so one surface finds users another made.
    pub const LOOKUP: UsernameRule = UsernameRule { min: 1, max: 64 };
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str, rule: UsernameRule) -> Result<Self, Invalid> {
        check_length(raw, rule.min, rule.max)?;
        if !raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(Invalid::new(
                "may contain only English letters, digits and '_'",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// A stored username, trusted as already validated.
    pub fn from_stored(raw: String) -> Self {
        Self(raw)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-insensitive identity of the name: what uniqueness is about.
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_documented_alphabet() {
        for ok in ["max", "Max_01", "abcdefghijklmnop", "___"] {
            assert!(Username::parse(ok, UsernameRule::ACCOUNTS).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_bad_lengths_and_characters() {
        for bad in ["ab", "abcdefghijklmnopq", "max!", "ma x", "máx", ""] {
            assert!(
                Username::parse(bad, UsernameRule::ACCOUNTS).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn key_is_case_insensitive() {
        let a = Username::parse("MaX", UsernameRule::ACCOUNTS).unwrap();
        let b = Username::parse("max", UsernameRule::ACCOUNTS).unwrap();
        assert_eq!(a.key(), b.key());
        assert_eq!(a.as_str(), "MaX");
    }
}
