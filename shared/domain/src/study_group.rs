use super::invalid::{check_length, Invalid};

/// A study group: [3, 10] characters of letters, digits, `#` and `-`.
/// The document's rule says "letters, '#', '-'" but its own example is
/// `BS3#4`; digits are accepted so the documented example works
/// (docs/decisions.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudyGroup(String);

impl StudyGroup {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        check_length(raw, 3, 10)?;
        if !raw
            .chars()
            .all(|c| c.is_alphabetic() || c.is_ascii_digit() || c == '#' || c == '-')
        {
            return Err(Invalid::new(
                "may contain only letters, digits, '#' and '-'",
            ));
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
    fn accepts_the_documented_example() {
        assert!(StudyGroup::parse("BS3#4").is_ok());
        assert!(StudyGroup::parse("Б-19").is_ok());
    }

    #[test]
    fn refuses_other_characters_and_lengths() {
        for bad in ["BS", "BS 19", "BS_19", "ABCDEFGHIJK", "BS/3"] {
            assert!(StudyGroup::parse(bad).is_err(), "{bad}");
        }
    }
}
