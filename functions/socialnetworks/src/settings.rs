//! `settings`: the request sends the string form of `{"keys": {name: value}}`
//! (the credentials of the platform's app at the network); the detail
//! answers the `keys` object itself, each value masked to its last four
//! characters (`********cret`). Sending a masked value back (GET, edit, PUT)
//! keeps the stored one, so an edit never overwrites a secret with its mask.
//!
//! Stored, each value is sealed (domain::sealed, purpose `social-network`)
//! beside its mask: reads and edits need only the masks, so this API seals
//! but never opens; the hosted pages open them to sign in through the
//! network ([`open`]). A table read or backup yields no secret.

use domain::sealed::{self, KeyWrap, SealError, Sealed};
use domain::Invalid;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Credential name → value, as a request sends them.
pub type Credentials = BTreeMap<String, String>;

/// The sealing purpose (KMS encryption context) of networks' secrets.
pub const PURPOSE: &str = "social-network";

/// One stored credential: its mask, and the value sealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretValue {
    pub mask: String,
    pub sealed: Sealed,
}

/// Credential name → its sealed value.
pub type StoredSettings = BTreeMap<String, SecretValue>;

const MAX_BYTES: usize = 16 * 1024;
const MAX_ENTRIES: usize = 32;
const MAX_NAME_CHARS: usize = 64;
/// Values shorter than this are masked entirely: four characters of a
/// short secret would be too much of it.
const MIN_REVEAL_CHARS: usize = 12;
const MASK: &str = "********";

pub fn parse(raw: &str) -> Result<Credentials, Invalid> {
    let shape = || Invalid::new(r#"must be the JSON string of an object {"keys": {name: string}}"#);
    if raw.len() > MAX_BYTES {
        return Err(Invalid::new(format!("must be at most {MAX_BYTES} bytes")));
    }
    let value: serde_json::Value = serde_json::from_str(raw).map_err(|_| shape())?;
    let object = value.as_object().ok_or_else(shape)?;
    if object.keys().any(|k| k != "keys") {
        return Err(Invalid::new(r#"may only hold "keys""#));
    }
    let Some(keys) = object.get("keys") else {
        return Ok(Credentials::new());
    };
    let keys = keys.as_object().ok_or_else(shape)?;
    if keys.len() > MAX_ENTRIES {
        return Err(Invalid::new(format!("may hold at most {MAX_ENTRIES} keys")));
    }
    let mut out = Credentials::new();
    for (name, value) in keys {
        let ok_name = !name.is_empty()
            && name.chars().count() <= MAX_NAME_CHARS
            && !name.chars().any(char::is_control);
        if !ok_name {
            return Err(Invalid::new(format!(
                "key names must be 1 to {MAX_NAME_CHARS} printable characters"
            )));
        }
        let text = value
            .as_str()
            .ok_or_else(|| Invalid::new(format!("keys.{name} must be a string")))?;
        out.insert(name.clone(), text.to_owned());
    }
    Ok(out)
}

pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() < MIN_REVEAL_CHARS {
        return MASK.to_owned();
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{MASK}{tail}")
}

/// What the detail shows of stored credentials.
pub fn masked(stored: &StoredSettings) -> Credentials {
    stored
        .iter()
        .map(|(k, v)| (k.clone(), v.mask.clone()))
        .collect()
}

/// New credentials to store: a value equal to the mask of the stored value
/// of the same name stands for that stored value (kept sealed as it is);
/// every other value is sealed afresh, all under one data key.
pub async fn seal(
    wrap: &dyn KeyWrap,
    new: Credentials,
    stored: Option<&StoredSettings>,
) -> Result<StoredSettings, SealError> {
    let (kept, fresh): (Vec<_>, Vec<_>) = new.into_iter().partition(|(name, value)| {
        stored
            .and_then(|s| s.get(name))
            .is_some_and(|old| *value == old.mask)
    });
    let mut out: StoredSettings = kept
        .into_iter()
        .filter_map(|(name, _)| Some((name.clone(), stored?.get(&name)?.clone())))
        .collect();
    if fresh.is_empty() {
        return Ok(out);
    }
    let key = wrap.new_key(PURPOSE).await?;
    for (name, value) in fresh {
        let value = SecretValue {
            mask: mask(&value),
            sealed: sealed::seal_with(&key, PURPOSE, value.as_bytes())?,
        };
        out.insert(name, value);
    }
    Ok(out)
}

/// The credentials in the clear (each distinct data key unwrapped once):
/// only the sign-in through the network needs them.
pub async fn open(wrap: &dyn KeyWrap, stored: &StoredSettings) -> Result<Credentials, SealError> {
    let mut keys: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut out = Credentials::new();
    for (name, value) in stored {
        let wrapped = &value.sealed.key;
        if !keys.contains_key(wrapped) {
            let raw = sealed::unwrap_data_key(wrap, PURPOSE, &value.sealed).await?;
            keys.insert(wrapped.clone(), raw);
        }
        let plain = sealed::open_with(&keys[wrapped], PURPOSE, &value.sealed)?;
        out.insert(
            name.clone(),
            String::from_utf8(plain).map_err(|_| SealError::Corrupt)?,
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_shape() {
        let c = parse(r#"{"keys":{"client_id":"your-client-id","client_secret":"s"}}"#).unwrap();
        assert_eq!(c["client_id"], "your-client-id");
        assert!(parse("{}").unwrap().is_empty());
        for bad in [
            "",
            "[]",
            "\"x\"",
            "{",
            r#"{"keys":[1]}"#,
            r#"{"keys":{"a":1}}"#,
            r#"{"other":{}}"#,
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn masks_all_but_the_last_four() {
        assert_eq!(mask("your-client-secret"), "********cret");
        assert_eq!(mask("short"), "********");
    }
}
