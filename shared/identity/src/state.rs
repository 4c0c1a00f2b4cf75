use crate::Config;
use std::sync::Arc;
use table::aws::SdkConfig;
use table::Store;

/// What every handler needs, built once per cold start and cloned (cheaply)
/// into each request.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    /// Access tokens: minting and checking, with the signing keys cached
    /// per process.
    pub access_tokens: crate::jwt::AccessTokens,
}

impl AppState {
    pub fn new(sdk: &SdkConfig, config: Config) -> Self {
        let store = Store::new(
            aws_sdk_dynamodb::Client::new(sdk),
            config.table_name.as_str(),
        );
        Self {
            access_tokens: crate::jwt::AccessTokens::new(store.clone(), &config),
            store,
            config: Arc::new(config),
        }
    }

    pub async fn from_env() -> Self {
        Self::new(&table::aws::sdk_config(), Config::from_env())
    }
}
