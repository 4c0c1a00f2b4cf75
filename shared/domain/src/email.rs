use super::invalid::{check_length, Invalid};

/// An email address: [7, 255] characters, one `@`, a non-empty local part and
/// a dotted domain, no white space. Deliverability is proven by sending a code,
/// not by a regular expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        check_length(raw, 7, 255)?;
        let bad = || Invalid::new("is not a valid email address");
        let (local, domain) = raw.split_once('@').ok_or_else(bad)?;
        let well_formed = !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !raw.chars().any(|c| c.is_whitespace() || c.is_control());
        if !well_formed {
            return Err(bad());
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn from_stored(raw: String) -> Self {
        Self(raw)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// One address, one identity, whatever the letter case.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses() {
        for ok in ["max@innopolis.ru", "a.b+c@x.example.com", "ab@c.de"] {
            assert!(Email::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_malformed_addresses() {
        for bad in [
            "a@b.c",
            "max.innopolis.ru",
            "max@innopolis",
            "m x@a.ru",
            "a@@b.ru",
            "@abc.ru",
            "max@.ru",
            "max@ru.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        assert!(Email::parse(&format!("{}@example.com", "a".repeat(250))).is_err());
    }

    #[test]
    fn key_ignores_case() {
        assert_eq!(Email::parse("Max@Inno.RU").unwrap().key(), "max@inno.ru");
    }
}
