/// Why a raw value was refused. Surfaces attach their own field name with
/// [`Invalid::at`], because each document names fields its own way
/// (`firstName` here, `first_name` there).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

impl Invalid {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }

    pub fn at(self, field: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: self.0,
        }
    }
}

/// A refused value together with the request field it came from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Length in characters (not bytes): the documents count characters.
pub(crate) fn check_length(raw: &str, min: usize, max: usize) -> Result<(), Invalid> {
    let n = raw.chars().count();
    if n < min || n > max {
        return Err(Invalid(format!(
            "must be between {min} and {max} characters long"
        )));
    }
    Ok(())
}
