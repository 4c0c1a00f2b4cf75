//! Registered OAuth clients (managed from the operator CLI, read by the
//! authorization and token endpoints).

use super::item::{from_item, key, s, to_item};
use super::{keys, Store, StoreError};
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use serde::{Deserialize, Serialize};

type PutError = SdkError<PutItemError, aws_sdk_dynamodb::config::http::HttpResponse>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientType {
    /// Cannot keep a secret (SPA, mobile): PKCE S256 is mandatory.
    Public,
    /// Authenticates at the token endpoint with its secret.
    Confidential,
}

impl ClientType {
    pub fn as_str(self) -> &'static str {
        match self {
            ClientType::Public => "public",
            ClientType::Confidential => "confidential",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OAuthClient {
    pub client_id: String,
    pub name: String,
    pub client_type: ClientType,
    /// `opaque::hash_secret` of the secret; confidential clients only.
    pub secret_hash: Option<String>,
    /// Compared byte for byte with the request's `redirect_uri`.
    pub redirect_uris: Vec<String>,
    /// Space-separated scopes the client may ask for.
    pub scopes: String,
    pub created_at: i64,
    /// The operator's own app: the hosted pages ask no consent for it.
    #[serde(default)]
    pub first_party: bool,
    /// Where RP-initiated logout may send the browser afterwards (exact
    /// match, like `redirect_uris`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub post_logout_redirect_uris: Vec<String>,
    /// The client's logo for the consent page, as a `data:image/…` URL
    /// (the pages load nothing from another origin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
}

impl Store {
    pub async fn put_oauth_client(&self, client: &OAuthClient) -> Result<(), StoreError> {
        self.write_oauth_client(client, "attribute_not_exists(pk)")
            .await?
            .map_err(StoreError::from)
    }

    /// Replaces a registered client's settings (the operator CLI's
    /// `oauth-client update`); false when there is no such client.
    pub async fn replace_oauth_client(&self, client: &OAuthClient) -> Result<bool, StoreError> {
        match self
            .write_oauth_client(client, "attribute_exists(pk)")
            .await?
        {
            Ok(()) => Ok(true),
            Err(e) if e.code() == Some("ConditionalCheckFailedException") => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// The client's item, written under `condition`; the put's own error
    /// left to the caller.
    async fn write_oauth_client(
        &self,
        client: &OAuthClient,
        condition: &str,
    ) -> Result<Result<(), PutError>, StoreError> {
        let mut item = to_item(client)?;
        item.extend(key(
            keys::oauth_client(&client.client_id),
            keys::OAUTH_CLIENT_SK,
        ));
        item.insert("gsi1pk".into(), s(keys::OAUTH_CLIENTS));
        item.insert(
            "gsi1sk".into(),
            s(format!("{:015}#{}", client.created_at, client.client_id)),
        );
        Ok(self
            .client
            .put_item()
            .table_name(self.table())
            .set_item(Some(item))
            .condition_expression(condition)
            .send()
            .await
            .map(drop))
    }

    pub async fn get_oauth_client(
        &self,
        client_id: &str,
    ) -> Result<Option<OAuthClient>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(self.table())
            .set_key(Some(key(
                keys::oauth_client(client_id),
                keys::OAUTH_CLIENT_SK,
            )))
            .send()
            .await?;
        out.item.map(from_item).transpose()
    }

    /// Every client, oldest first (operator CLI; a Query on GSI1).
    pub async fn list_oauth_clients(&self) -> Result<Vec<OAuthClient>, StoreError> {
        let mut clients = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(self.table())
                .index_name(keys::GSI1)
                .key_condition_expression("gsi1pk = :p")
                .expression_attribute_values(":p", s(keys::OAUTH_CLIENTS))
                .set_exclusive_start_key(start)
                .send()
                .await?;
            for item in out.items.unwrap_or_default() {
                clients.push(from_item(item)?);
            }
            start = out.last_evaluated_key;
            if start.is_none() {
                return Ok(clients);
            }
        }
    }

    /// Deletes a client; false when there was none. Its codes and families
    /// die with it: redemption and rotation load the client first.
    pub async fn delete_oauth_client(&self, client_id: &str) -> Result<bool, StoreError> {
        let out = self
            .client
            .delete_item()
            .table_name(self.table())
            .set_key(Some(key(
                keys::oauth_client(client_id),
                keys::OAUTH_CLIENT_SK,
            )))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllOld)
            .send()
            .await?;
        Ok(out.attributes.is_some())
    }

    // ---- authorization codes ----------------------------------------------
}
