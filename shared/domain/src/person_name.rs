use super::invalid::{check_length, Invalid};

/// A first or last name: [1, 35] characters of letters (any script), space
/// and `-`, with at least one letter (a lone "-" names nobody).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        check_length(raw, 1, 35)?;
        if !raw
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '-')
        {
            return Err(Invalid::new("may contain only letters, ' ' and '-'"));
        }
        if !raw.chars().any(char::is_alphabetic) {
            return Err(Invalid::new("must contain a letter"));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_of_any_script() {
        for ok in ["Andrew", "Анна-Мария", "Jean Luc", "Zoë", "李"] {
            assert!(PersonName::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_digits_symbols_and_empties() {
        for bad in ["", "R2D2", "O'Neil", "-", "  ", &"a".repeat(36)] {
            assert!(PersonName::parse(bad).is_err(), "{bad}");
        }
    }
}
