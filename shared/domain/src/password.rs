use super::invalid::{check_length, Invalid};
use std::fmt;

/// A candidate password that passed the length rule. Never printed.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MIN: usize = 8;
    pub const MAX: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        check_length(raw, Self::MIN, Self::MAX)?;
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_counted_in_characters() {
        assert!(Password::parse("ééééééé").is_err());
        assert!(Password::parse("éééééééé").is_ok());
        assert!(Password::parse(&"x".repeat(64)).is_ok());
        assert!(Password::parse(&"x".repeat(65)).is_err());
    }

    #[test]
    fn debug_hides_the_secret() {
        let p = Password::parse("hunter22hunter").unwrap();
        assert!(!format!("{p:?}").contains("hunter"));
    }
}
