//! Request bodies as the document sends them: form-encoded (repeated keys
//! for lists: `categories=fashion&categories=beauty`) or JSON (the backend
//! email check's sample), read into one multimap so every handler parses
//! fields the same way. Booleans are `true`/`false`/`1`/`0`.

use crate::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use domain::Error;
use http::header::CONTENT_TYPE;
use serde_json::Value;
use std::collections::BTreeMap;

/// Longest text any field takes (messages are the longest).
pub const MAX_TEXT: usize = 2000;

#[derive(Debug, Default)]
pub struct Fields(BTreeMap<String, Vec<Value>>);

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let query = req.uri().query().unwrap_or_default().to_owned();
        let is_form = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| Error::invalid("body", "could not be read"))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::from_form(query.as_bytes()));
        }
        if is_form {
            return Ok(Self::from_form(&bytes));
        }
        Self::from_json(&bytes).map_err(Into::into)
    }
}

impl Fields {
    pub fn from_form(bytes: &[u8]) -> Self {
        let mut map: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for (k, v) in form_urlencoded::parse(bytes) {
            let name = k.strip_suffix("[]").unwrap_or(&k).to_owned();
            map.entry(name)
                .or_default()
                .push(Value::String(v.into_owned()));
        }
        Self(map)
    }

    pub fn from_json(bytes: &[u8]) -> Result<Self, Error> {
        let value: Value = serde_json::from_slice(bytes)
            .map_err(|_| Error::invalid("body", "is not valid JSON or a form"))?;
        let Value::Object(object) = value else {
            return Err(Error::invalid("body", "must be a JSON object"));
        };
        let map = object
            .into_iter()
            .map(|(k, v)| match v {
                Value::Array(items) => (k, items),
                other => (k, vec![other]),
            })
            .collect();
        Ok(Self(map))
    }

    fn values(&self, name: &str) -> Option<&Vec<Value>> {
        self.0.get(name)
    }

    /// One text value (a JSON number counts as its text).
    pub fn text(&self, name: &'static str) -> Result<Option<String>, Error> {
        let Some(values) = self.values(name) else {
            return Ok(None);
        };
        let [value] = values.as_slice() else {
            return Err(Error::invalid(name, "must be given once"));
        };
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Null => return Ok(None),
            _ => return Err(Error::invalid(name, "must be a string")),
        };
        if text.chars().count() > MAX_TEXT {
            return Err(Error::invalid(name, "is too long"));
        }
        Ok(Some(text))
    }

    pub fn required(&self, name: &'static str) -> Result<String, Error> {
        self.text(name)?
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| Error::invalid(name, "This field is required"))
    }

    /// A list: repeated keys, or a JSON array of strings.
    pub fn list(&self, name: &'static str) -> Result<Option<Vec<String>>, Error> {
        let Some(values) = self.values(name) else {
            return Ok(None);
        };
        values
            .iter()
            .filter(|v| !matches!(v, Value::String(s) if s.is_empty()))
            .map(|v| match v {
                Value::String(s) if s.len() <= 64 => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                _ => Err(Error::invalid(name, "must be a list of short strings")),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    pub fn boolean(&self, name: &'static str) -> Result<Option<bool>, Error> {
        let Some(values) = self.values(name) else {
            return Ok(None);
        };
        let [value] = values.as_slice() else {
            return Err(Error::invalid(name, "must be given once"));
        };
        match value {
            Value::Bool(b) => Ok(Some(*b)),
            Value::Number(n) if n.as_u64() == Some(1) => Ok(Some(true)),
            Value::Number(n) if n.as_u64() == Some(0) => Ok(Some(false)),
            Value::String(s) => match s.to_ascii_lowercase().as_str() {
                "true" | "1" => Ok(Some(true)),
                "false" | "0" => Ok(Some(false)),
                _ => Err(Error::invalid(name, "must be true, false, 1 or 0")),
            },
            _ => Err(Error::invalid(name, "must be true, false, 1 or 0")),
        }
    }

    /// A positive integer id.
    pub fn id(&self, name: &'static str) -> Result<Option<u64>, Error> {
        match self.text(name)? {
            None => Ok(None),
            Some(t) => match t.trim().parse::<u64>() {
                Ok(n) if n > 0 && n < (1 << 53) => Ok(Some(n)),
                _ => Err(Error::invalid(name, "must be a positive integer")),
            },
        }
    }

    pub fn required_id(&self, name: &'static str) -> Result<u64, Error> {
        self.id(name)?
            .ok_or_else(|| Error::invalid(name, "This field is required"))
    }

    /// A JSON object: given as one (JSON body) or as its text (form).
    pub fn object(&self, name: &'static str) -> Result<Option<Value>, Error> {
        let Some(values) = self.values(name) else {
            return Ok(None);
        };
        let [value] = values.as_slice() else {
            return Err(Error::invalid(name, "must be given once"));
        };
        let value = match value {
            Value::String(s) => serde_json::from_str(s)
                .map_err(|_| Error::invalid(name, "must be a JSON object"))?,
            other => other.clone(),
        };
        match value {
            Value::Object(_) if value.to_string().len() <= 4096 => Ok(Some(value)),
            Value::Null => Ok(None),
            _ => Err(Error::invalid(
                name,
                "must be a JSON object of at most 4 KiB",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_and_json_read_alike() {
        let f = Fields::from_form(b"categories=fashion&categories=beauty&on=1&page=2");
        assert_eq!(
            f.list("categories").unwrap().unwrap(),
            vec!["fashion", "beauty"]
        );
        assert_eq!(f.boolean("on").unwrap(), Some(true));
        assert_eq!(f.id("page").unwrap(), Some(2));
        let j = Fields::from_json(br#"{"categories":["fashion"],"on":false,"page":3}"#).unwrap();
        assert_eq!(j.list("categories").unwrap().unwrap(), vec!["fashion"]);
        assert_eq!(j.boolean("on").unwrap(), Some(false));
        assert_eq!(j.id("page").unwrap(), Some(3));
        assert!(Fields::from_form(b"on=yes").boolean("on").is_err());
        assert!(Fields::from_form(b"a=1&a=2").text("a").is_err());
        assert!(Fields::from_json(b"[1]").is_err());
    }
}
