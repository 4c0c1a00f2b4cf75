//! Outgoing email through SES (v2). Locally the emulator stores what is
//! sent, and tests read codes back from it.

use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
use aws_sdk_sesv2::Client;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
#[error("email not sent: {0}")]
pub struct EmailError(String);

#[derive(Clone)]
pub struct Mailer {
    client: Client,
    from: Arc<str>,
}

impl Mailer {
    pub fn new(client: Client, from: impl Into<Arc<str>>) -> Self {
        Self {
            client,
            from: from.into(),
        }
    }

    pub async fn send(&self, to: &str, subject: &str, text: &str) -> Result<(), EmailError> {
        let content = |data: &str| {
            Content::builder()
                .data(data)
                .charset("UTF-8")
                .build()
                .map_err(|e| EmailError(e.to_string()))
        };
        let message = Message::builder()
            .subject(content(subject)?)
            .body(Body::builder().text(content(text)?).build())
            .build();
        self.client
            .send_email()
            .from_email_address(self.from.as_ref())
            .destination(Destination::builder().to_addresses(to).build())
            .content(EmailContent::builder().simple(message).build())
            .send()
            .await
            .map_err(|e| EmailError(aws_sdk_sesv2::error::DisplayErrorContext(e).to_string()))?;
        Ok(())
    }
}

/// Makes the sender identity exist (local stack and tests; in the cloud the
/// template declares it).
pub async fn ensure_identity(client: &Client, address: &str) -> Result<(), EmailError> {
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
        Err(e) => Err(EmailError(
            aws_sdk_sesv2::error::DisplayErrorContext(e).to_string(),
        )),
    }
}
