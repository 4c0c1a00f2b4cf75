use super::invalid::Invalid;
use std::fmt;

/// A user's id: 24 lowercase hex digits, shaped like a MongoDB ObjectId as
/// the documents show (4 bytes of seconds, then 8 random bytes), so ids sort
/// roughly by creation time.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct UserId(String);

impl UserId {
    pub fn generate() -> Self {
        let secs = chrono::Utc::now().timestamp() as u32;
        let random: [u8; 8] = rand::random();
        Self(format!("{secs:08x}{}", hex::encode(random)))
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        if raw.len() != 24 || !raw.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Invalid::new("must be a 24-character hexadecimal id"));
        }
        Ok(Self(raw.to_ascii_lowercase()))
    }

    pub fn from_stored(raw: String) -> Self {
        Self(raw)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_parse_back() {
        let id = UserId::generate();
        assert_eq!(UserId::parse(id.as_str()).unwrap(), id);
        assert_ne!(UserId::generate(), id);
    }

    #[test]
    fn refuses_non_hex_and_wrong_lengths() {
        assert!(UserId::parse("575b3581aa87dd1cd0e137ab").is_ok());
        for bad in ["575b3581aa87dd1cd0e137a", "575b3581aa87dd1cd0e137zz", ""] {
            assert!(UserId::parse(bad).is_err());
        }
    }
}
