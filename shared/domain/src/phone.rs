use super::invalid::Invalid;

/// A country calling code: `+` and 1 to 4 digits (ITU E.164 codes have 1 to
/// 3; 4 leaves room for the NANP area forms some clients send, `+1876`).
/// The Users API's own sample, `+00`, passes the shape check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneCountryCode(String);

impl PhoneCountryCode {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let digits = raw
            .strip_prefix('+')
            .ok_or_else(|| Invalid::new("must start with '+'"))?;
        if !(1..=4).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Invalid::new("must be '+' followed by 1 to 4 digits"));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A national phone number: 4 to 15 digits (E.164 allows at most 15 in all),
/// without spaces or punctuation, so one number has one spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        if !(4..=15).contains(&raw.len()) || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Invalid::new("must be 4 to 15 digits"));
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
    fn country_codes() {
        for ok in ["+1", "+00", "+44", "+1876"] {
            assert!(PhoneCountryCode::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["1", "+", "+12345", "+4a", "++1", ""] {
            assert!(PhoneCountryCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn numbers() {
        for ok in ["0000000000", "1234", "123456789012345"] {
            assert!(Phone::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["123", "1234567890123456", "555-1234", "+15551234", "12 34"] {
            assert!(Phone::parse(bad).is_err(), "{bad}");
        }
    }
}
