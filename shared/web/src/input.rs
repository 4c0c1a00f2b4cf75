use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::response::IntoResponse;
use http::{header::CONTENT_TYPE, Method};
use serde::de::DeserializeOwned;
use std::marker::PhantomData;

/// Request parameters of type `T`, from the query string (GET, DELETE, or a
/// body-less request) or the body (JSON by default, form-encoded when the
/// content type says so). A JSON body that is a one-element array is taken
/// as its element: the Users API's samples send bodies that way.
///
/// `E` is the surface's error type, so a bad input is answered in the
/// surface's own envelope.
pub struct Input<T, E>(pub T, pub PhantomData<E>);

/// A request that could not be read as the expected parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The offending field, when one can be named.
    pub field: Option<String>,
    pub message: String,
}

impl From<InputError> for domain::Error {
    fn from(e: InputError) -> Self {
        let error = domain::Error::new(domain::ErrorKind::InvalidInput, "invalid_input", e.message);
        match e.field {
            Some(field) => error.on(field),
            None => error,
        }
    }
}

impl domain::IntoError for InputError {}

/// A field every caller must send.
pub fn required<T>(value: Option<T>, field: &str) -> Result<T, InputError> {
    value.ok_or_else(|| InputError {
        field: Some(field.to_owned()),
        message: "is required".to_owned(),
    })
}

fn from_path_error<E: std::fmt::Display>(err: serde_path_to_error::Error<E>) -> InputError {
    let path = err.path().to_string();
    let field = (path != "." && !path.is_empty()).then_some(path);
    let message = err.inner().to_string();
    // serde_json appends " at line L column C", which helps no API caller.
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or_default()
        .to_owned();
    InputError { field, message }
}

fn parse_form<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, InputError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(bytes));
    serde_path_to_error::deserialize(de).map_err(from_path_error)
}

fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, InputError> {
    let mut value: serde_json::Value = serde_json::from_slice(bytes).map_err(|_| InputError {
        field: None,
        message: "body is not valid JSON".to_owned(),
    })?;
    if let serde_json::Value::Array(items) = &mut value {
        if items.len() == 1 {
            value = items.pop().unwrap_or_default();
        }
    }
    if !value.is_object() {
        return Err(InputError {
            field: None,
            message: "body must be a JSON object".to_owned(),
        });
    }
    serde_path_to_error::deserialize(value).map_err(from_path_error)
}

impl<T, E, S> FromRequest<S> for Input<T, E>
where
    T: DeserializeOwned,
    E: From<InputError> + IntoResponse,
    S: Send + Sync,
{
    type Rejection = E;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let query = req.uri().query().unwrap_or_default().to_owned();
        let method = req.method().clone();
        let is_form = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if method == Method::GET || method == Method::DELETE || method == Method::HEAD {
            return Ok(Input(parse_form(query.as_bytes())?, PhantomData));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| InputError {
                field: None,
                message: e.body_text(),
            })?;
        let value = if bytes.iter().all(u8::is_ascii_whitespace) {
            parse_form(query.as_bytes())?
        } else if is_form {
            parse_form(&bytes)?
        } else {
            parse_json(&bytes)?
        };
        Ok(Input(value, PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct P {
        name: Option<String>,
        n: Option<u32>,
    }

    #[test]
    fn json_type_errors_name_the_field() {
        let e = parse_json::<P>(br#"{"name": 5}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("name"));
        assert!(!e.message.contains("line"));
    }

    #[test]
    fn one_element_arrays_are_unwrapped() {
        let p: P = parse_json(br#"[{"name":"x"}]"#).unwrap();
        assert_eq!(p.name.as_deref(), Some("x"));
        assert!(parse_json::<P>(br#"[{"name":"x"},{"name":"y"}]"#).is_err());
        assert!(parse_json::<P>(b"\"x\"").is_err());
        assert!(parse_json::<P>(b"{").is_err());
    }

    #[test]
    fn forms_parse_and_name_bad_fields() {
        let p: P = parse_form(b"name=a%20b&n=3").unwrap();
        assert_eq!(
            p,
            P {
                name: Some("a b".into()),
                n: Some(3)
            }
        );
        assert_eq!(
            parse_form::<P>(b"n=x").unwrap_err().field.as_deref(),
            Some("n")
        );
    }
}
