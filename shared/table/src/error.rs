use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

/// A failure of the table itself. Surfaces map it to their 5xx envelope;
/// expected outcomes (taken, missing, refused) have their own types.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("dynamodb: {0}")]
    Backend(String),
    #[error("corrupt item: {0}")]
    Corrupt(String),
    /// Passing: throttling past the SDK's retries, a network failure, or
    /// writers still colliding after our bounded retries. Surfaces answer
    /// 503 with `Retry-After` instead of a 500.
    #[error("temporarily unavailable: {0}")]
    Unavailable(String),
}

impl StoreError {
    /// Seconds a caller should wait before retrying, for passing failures.
    pub fn retry_after(&self) -> Option<u64> {
        matches!(self, StoreError::Unavailable(_)).then_some(1)
    }
}

/// Error codes that say "try again", not "this is broken".
const TRANSIENT_CODES: [&str; 6] = [
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TransactionConflictException",
    "TransactionInProgressException",
    "InternalServerError",
];

impl<E, R> From<SdkError<E, R>> for StoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    fn from(err: SdkError<E, R>) -> Self {
        let transient = matches!(
            err,
            SdkError::TimeoutError(_) | SdkError::DispatchFailure(_)
        ) || err.code().is_some_and(|c| TRANSIENT_CODES.contains(&c));
        let text = DisplayErrorContext(err).to_string();
        if transient {
            StoreError::Unavailable(text)
        } else {
            StoreError::Backend(text)
        }
    }
}

impl From<aws_sdk_dynamodb::error::BuildError> for StoreError {
    fn from(err: aws_sdk_dynamodb::error::BuildError) -> Self {
        StoreError::Backend(err.to_string())
    }
}
