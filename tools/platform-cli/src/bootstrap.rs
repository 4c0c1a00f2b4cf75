//! `platform bootstrap`: what the local stack needs (table, sender identity).

use shared::store::schema;

pub async fn bootstrap(
    dynamo: &aws_sdk_dynamodb::Client,
    ses: &aws_sdk_sesv2::Client,
    config: &shared::Config,
) -> Result<String, String> {
    let created = schema::ensure_table(dynamo, &config.table_name)
        .await
        .map_err(|e| e.to_string())?;
    shared::email::ensure_identity(ses, &config.email_from)
        .await
        .map_err(|e| e.to_string())?;
    Ok(format!(
        "table {} {}; sender identity {} ready",
        config.table_name,
        if created { "created" } else { "already there" },
        config.email_from
    ))
}
