//! `platform bootstrap`: what a stack needs, each only if missing: the table
//! (with its stream), the sender identity, the profile-picture bucket, an
//! active signing key and the App Users API's countries and cities.

use crate::output::{one, Outcome};
use serde_json::json;
use table::schema;

pub async fn bootstrap(
    dynamo: &aws_sdk_dynamodb::Client,
    ses: &aws_sdk_sesv2::Client,
    keys: &kms::Kms,
    config: &identity::Config,
) -> Outcome {
    let created = schema::ensure_table(dynamo, &config.table_name)
        .await
        .map_err(|e| e.to_string())?;
    notifier::ses::ensure_identity(ses, &config.email_from)
        .await
        .map_err(|e| e.to_string())?;
    // The Users API's profile pictures live in S3.
    users::pictures::ensure_bucket(&crate::aws::sdk_config().await, config).await?;
    // Secrets are sealed under the secrets key (the template declares it in
    // the cloud; locally the alias is made here).
    keys.ensure_key().await?;
    // Access tokens need a signing key from the first request on.
    let key = identity::keyring::ensure_active_key(
        &table::Store::new(dynamo.clone(), config.table_name.as_str()),
        keys,
    )
    .await
    .map_err(|e| e.to_string())?;
    // The App Users API's country / city catalogue: missing entries only.
    let places = crate::app_users::seed(&table::Store::new(
        dynamo.clone(),
        config.table_name.as_str(),
    ))
    .await?;
    one(json!({
        "table": config.table_name,
        "table_created": created,
        "sender_identity": config.email_from,
        "picture_bucket": config.profile_picture_bucket,
        "signing_key_created": key,
        "places_added": places,
    }))
}
