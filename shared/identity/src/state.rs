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
    /// The key service of the functions that seal or open secrets.
    pub secrets: Option<Arc<dyn domain::sealed::KeyWrap>>,
}

impl AppState {
    pub fn new(sdk: &SdkConfig, config: Config) -> Self {
        let store = Store::connect(sdk, config.table_name.as_str());
        Self {
            access_tokens: crate::jwt::AccessTokens::new(store.clone(), &config),
            store,
            config: Arc::new(config),
            secrets: None,
        }
    }

    pub async fn from_env() -> Self {
        Self::new(&table::aws::sdk_config(), Config::from_env())
    }

    /// A state with a key service (`domain::sealed`): it can seal and open
    /// secrets, within what its role may unwrap (the OAuth server: signing
    /// keys, so it mints access tokens; the Social Networks API: networks'
    /// secrets; the hosted pages: opening them to sign in through a
    /// network). Every other function has none: it verifies tokens only.
    pub fn with_key_service(mut self, wrap: Arc<dyn domain::sealed::KeyWrap>) -> Self {
        self.access_tokens = self.access_tokens.with_signing(wrap.clone());
        self.secrets = Some(wrap);
        self
    }

    /// The key service, or the error of a function that has none.
    pub fn secrets(&self) -> Result<&dyn domain::sealed::KeyWrap, domain::Error> {
        self.secrets
            .as_deref()
            .ok_or_else(|| domain::Error::internal("this function has no key service"))
    }
}
