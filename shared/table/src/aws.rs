//! The AWS SDK configuration, loaded once per process. `AWS_ENDPOINT_URL`
//! points every client at the local emulator; nothing else differs.

use aws_config::{BehaviorVersion, SdkConfig};

pub async fn sdk_config() -> SdkConfig {
    aws_config::load_defaults(BehaviorVersion::latest()).await
}
