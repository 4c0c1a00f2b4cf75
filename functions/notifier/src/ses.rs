//! Delivery through SES (v2): a message as text and HTML, with its extra
//! headers (`Message.headers` of simple content), through the configured
//! configuration set (bounce and complaint events). The notifier
//! depends on the [`Sender`] port only, so the tests can wrap the real
//! sender to inject throttling or a rejection.

use crate::templates::Rendered;
use aws_sdk_sesv2::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message, MessageHeader};
use aws_sdk_sesv2::Client;
use std::future::Future;
use std::sync::Arc;

/// Why a send did not happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Passing (throttled, a network failure): delivered on a retry.
    #[error("send deferred: {0}")]
    Retry(String),
    /// This message can never be delivered (a bad address): not retried.
    #[error("send rejected: {0}")]
    Rejected(String),
}

/// Something that delivers a rendered message to an address.
pub trait Sender: Send + Sync {
    fn send(
        &self,
        to: &str,
        email: &Rendered,
    ) -> impl Future<Output = Result<(), SendError>> + Send;
}

#[derive(Clone)]
pub struct Ses {
    client: Client,
    from: Arc<str>,
    configuration_set: Option<Arc<str>>,
}

impl Ses {
    pub fn new(client: Client, from: impl Into<Arc<str>>) -> Self {
        Self {
            client,
            from: from.into(),
            configuration_set: None,
        }
    }

    /// Sends through this SES configuration set (`None`: none).
    pub fn with_configuration_set(mut self, name: Option<&str>) -> Self {
        self.configuration_set = name.map(Arc::from);
        self
    }
}

fn header(name: &str, value: &str) -> Result<MessageHeader, SendError> {
    MessageHeader::builder()
        .name(name)
        .value(value)
        .build()
        .map_err(|e| SendError::Rejected(e.to_string()))
}

/// SES answers that no retry can fix: the message or its address is bad.
const PERMANENT: [&str; 3] = [
    "MessageRejected",
    "BadRequestException",
    "NotFoundException",
];

fn classify<
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
>(
    err: SdkError<E, R>,
) -> SendError {
    let permanent = err.code().is_some_and(|c| PERMANENT.contains(&c));
    let text = DisplayErrorContext(err).to_string();
    if permanent {
        SendError::Rejected(text)
    } else {
        SendError::Retry(text)
    }
}

fn content(data: &str) -> Result<Content, SendError> {
    Content::builder()
        .data(data)
        .charset("UTF-8")
        .build()
        .map_err(|e| SendError::Rejected(e.to_string()))
}

impl Sender for Ses {
    async fn send(&self, to: &str, email: &Rendered) -> Result<(), SendError> {
        let headers = email
            .headers
            .iter()
            .map(|(n, v)| header(n, v))
            .collect::<Result<Vec<_>, _>>()?;
        let message = Message::builder()
            .subject(content(&email.subject)?)
            .body(
                Body::builder()
                    .text(content(&email.text)?)
                    .html(content(&email.html)?)
                    .build(),
            )
            .set_headers((!headers.is_empty()).then_some(headers))
            .build();
        self.client
            .send_email()
            .from_email_address(self.from.as_ref())
            .set_configuration_set_name(self.configuration_set.as_deref().map(str::to_owned))
            .destination(Destination::builder().to_addresses(to).build())
            .content(EmailContent::builder().simple(message).build())
            .send()
            .await
            .map_err(classify)?;
        Ok(())
    }
}

/// Makes the sender identity exist (local stack and tests; in the cloud the
/// template declares it).
pub async fn ensure_identity(client: &Client, address: &str) -> Result<(), String> {
    match client
        .create_email_identity()
        .email_identity(address)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_already_exists_exception()) =>
        {
            Ok(())
        }
        Err(e) => Err(DisplayErrorContext(e).to_string()),
    }
}
