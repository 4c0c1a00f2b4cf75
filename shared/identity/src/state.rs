use crate::email::Mailer;
use crate::Config;
use aws_config::SdkConfig;
use std::sync::Arc;
use table::Store;

/// What every handler needs, built once per cold start and cloned (cheaply)
/// into each request.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub mailer: Mailer,
    pub config: Arc<Config>,
    /// JWT signing keys, loaded from the table and cached per process.
    pub signing_keys: crate::keyring::KeyCache,
}

impl AppState {
    pub fn new(sdk: &SdkConfig, config: Config) -> Self {
        Self {
            store: Store::new(
                aws_sdk_dynamodb::Client::new(sdk),
                config.table_name.as_str(),
            ),
            mailer: Mailer::new(aws_sdk_sesv2::Client::new(sdk), config.email_from.as_str()),
            config: Arc::new(config),
            signing_keys: Default::default(),
        }
    }

    pub async fn from_env() -> Self {
        Self::new(&table::aws::sdk_config().await, Config::from_env())
    }
}
