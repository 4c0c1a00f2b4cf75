//! The optional phone pair of create and update: both or neither.

use crate::ApiError;
use domain::{Phone, PhoneCountryCode};

pub fn parse(
    country_code: Option<String>,
    number: Option<String>,
) -> Result<Option<(String, String)>, ApiError> {
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
        (None, Some(_)) => Err(ApiError::invalid(
            "phoneCountryCode",
            "is required with phone",
        )),
        (Some(_), None) => Err(ApiError::invalid(
            "phone",
            "is required with phoneCountryCode",
        )),
    }
}
