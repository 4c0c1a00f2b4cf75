use super::item::Item;
use aws_sdk_dynamodb::types::AttributeValue;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use std::collections::{BTreeMap, HashMap};

/// An opaque pagination cursor: the query's LastEvaluatedKey, base64url JSON.
/// Decoding checks it names only the expected key attributes and stays in
/// the expected partition, so a forged cursor cannot read elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid cursor")]
pub struct InvalidCursor;

impl Cursor {
    pub fn from_key(key: &Item) -> Option<Self> {
        let strings: BTreeMap<&str, &str> = key
            .iter()
            .map(|(k, v)| v.as_s().ok().map(|s| (k.as_str(), s.as_str())))
            .collect::<Option<_>>()?;
        let json = serde_json::to_vec(&strings).ok()?;
        Some(Self(URL_SAFE_NO_PAD.encode(json)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `partition` is (attribute, value) of the index partition queried.
    pub fn decode(
        raw: &str,
        attributes: &[&str],
        partition: (&str, &str),
    ) -> Result<Item, InvalidCursor> {
        let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| InvalidCursor)?;
        let map: HashMap<String, String> =
            serde_json::from_slice(&bytes).map_err(|_| InvalidCursor)?;
        let shape_ok = map.len() == attributes.len()
            && attributes.iter().all(|a| map.contains_key(*a))
            && map.get(partition.0).map(String::as_str) == Some(partition.1);
        if !shape_ok {
            return Err(InvalidCursor);
        }
        Ok(map
            .into_iter()
            .map(|(k, v)| (k, AttributeValue::S(v)))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ATTRS: [&str; 4] = ["pk", "sk", "gsi1pk", "gsi1sk"];

    fn key(partition: &str) -> Item {
        ATTRS
            .iter()
            .map(|a| {
                let v = if *a == "gsi1pk" { partition } else { "x" };
                (a.to_string(), AttributeValue::S(v.into()))
            })
            .collect()
    }

    #[test]
    fn round_trips() {
        let c = Cursor::from_key(&key("P")).unwrap();
        assert_eq!(
            Cursor::decode(c.as_str(), &ATTRS, ("gsi1pk", "P")).unwrap(),
            key("P")
        );
    }

    #[test]
    fn refuses_garbage_and_other_partitions() {
        let c = Cursor::from_key(&key("OTHER")).unwrap();
        assert!(Cursor::decode(c.as_str(), &ATTRS, ("gsi1pk", "P")).is_err());
        assert!(Cursor::decode("!!", &ATTRS, ("gsi1pk", "P")).is_err());
        assert!(Cursor::decode("e30", &ATTRS, ("gsi1pk", "P")).is_err());
    }
}
