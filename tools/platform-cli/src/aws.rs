//! The CLI's AWS configuration. The functions take it from the environment
//! only (`table::aws`); an operator's shell may instead hold a profile, SSO
//! or a credential process, so the CLI falls back to the default chain.

use aws_config::{BehaviorVersion, SdkConfig};

pub async fn sdk_config() -> SdkConfig {
    match table::aws::sdk_config_from_env() {
        Ok(config) => config,
        Err(_) => aws_config::load_defaults(BehaviorVersion::latest()).await,
    }
}
