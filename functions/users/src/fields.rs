//! Request fields several endpoints read alike.

use domain::{Error, Phone, PhoneCountryCode};
use serde_json::Value;

/// The optional phone pair of create and update: both or neither.
pub fn phone(
    country_code: Option<String>,
    number: Option<String>,
) -> Result<Option<(String, String)>, Error> {
    match (country_code, number) {
        (None, None) => Ok(None),
        (Some(cc), Some(number)) => Ok(Some((
            PhoneCountryCode::parse(&cc)
                .map_err(|e| e.at("phoneCountryCode"))?
                .into_inner(),
            Phone::parse(&number)
                .map_err(|e| e.at("phone"))?
                .into_inner(),
        ))),
        (None, Some(_)) => Err(Error::invalid("phoneCountryCode", "is required with phone")),
        (Some(_), None) => Err(Error::invalid("phone", "is required with phoneCountryCode")),
    }
}

/// A code field: a string, or a number as in the document's samples.
pub fn code_text(raw: Value) -> Result<String, Error> {
    match raw {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(Error::invalid("code", "must be a string of digits")),
    }
}
