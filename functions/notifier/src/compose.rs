//! From an outbox message to the email to send: the recipient's language
//! (the account's own when the message names one), the suppression list
//! (a suppressed address is skipped, and the skip logged), the product's
//! name, the hosted pages' base URL, and on notifications one can turn off
//! the one-click unsubscribe link and its headers (RFC 8058).

use crate::ses::SendError;
use crate::templates::{Common, Rendered, Templates};
use domain::{Language, Message, UserId};
use table::Store;

/// The settings messages are rendered with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub product: String,
    /// The hosted pages' base URL: every link of an email.
    pub frontend_url: String,
    /// The API's base URL: the unsubscribe endpoint's.
    pub api_url: String,
}

impl Settings {
    pub fn from_config(config: &identity::Config) -> Self {
        Self {
            product: config.product_name.clone(),
            frontend_url: config.frontend_url.clone(),
            api_url: config.oauth_issuer.clone(),
        }
    }

    /// Where a notification's unsubscribe token is redeemed (the App Users
    /// API's `/api/action/unsubscribe/`, GET shows a button, POST acts).
    pub fn unsubscribe_url(&self, token: &str) -> String {
        format!("{}/api/action/unsubscribe/?token={token}", self.api_url)
    }
}

/// The message variable holding a notification's unsubscribe token.
pub const UNSUBSCRIBE: &str = "unsubscribe";

/// The email for `message`, or why it must not be sent: a `Retry` when a
/// read failed, `Rejected` for a suppressed address or a broken template.
pub async fn compose(
    store: &Store,
    templates: &Templates,
    settings: &Settings,
    message: &Message,
) -> Result<Rendered, SendError> {
    let account = message
        .user
        .as_deref()
        .map(|id| UserId::from_stored(id.to_owned()));
    let language = async {
        match &account {
            Some(id) => store.user_language(id).await.map(Some),
            None => Ok(None),
        }
    };
    let (suppressed, language) = tokio::join!(store.suppression(&message.to), language);
    let retry = |e: table::StoreError| SendError::Retry(e.to_string());
    if let Some(entry) = suppressed.map_err(retry)? {
        tracing::warn!(
            kind = message.kind.as_str(),
            reason = entry.reason,
            since = entry.at,
            "skipped: the address is on the suppression list"
        );
        return Err(SendError::Rejected(format!(
            "suppressed ({})",
            entry.reason
        )));
    }
    let language = language
        .map_err(retry)?
        .flatten()
        .map(|l| Language::parse_or_default(&l))
        .unwrap_or(message.language);
    let unsubscribe_url = message
        .data
        .get(UNSUBSCRIBE)
        .and_then(|t| t.as_str())
        .map(|t| settings.unsubscribe_url(t));
    let common = Common {
        product: settings.product.clone(),
        base: settings.frontend_url.clone(),
        unsubscribe_url: unsubscribe_url.clone(),
    };
    let mut email = templates
        .render(message.kind, language, &message.data, &common)
        .map_err(|e| SendError::Rejected(format!("template: {e}")))?;
    if let Some(url) = unsubscribe_url {
        email.headers = vec![
            ("List-Unsubscribe".into(), format!("<{url}>")),
            (
                "List-Unsubscribe-Post".into(),
                "List-Unsubscribe=One-Click".into(),
            ),
        ];
    }
    Ok(email)
}
