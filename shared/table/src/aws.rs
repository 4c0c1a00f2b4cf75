//! The AWS SDK configuration, built once per process from the environment
//! Lambda always provides: `AWS_REGION` and the execution role's
//! `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`, plus
//! `AWS_ENDPOINT_URL` locally (the emulator).
//!
//! Why not `aws_config::load_defaults`: it probes the whole default chain
//! (profile files, SSO, web identity, IMDS) and costs about 3.4 ms of every
//! cold start for an answer Lambda already gave in the environment; it also
//! links code no function runs. The operator CLI, which does run where
//! profiles and SSO matter, keeps the default chain (see its `aws` module).

use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use aws_sdk_dynamodb::config::BehaviorVersion;
use aws_types::region::Region;
pub use aws_types::SdkConfig;

/// A variable the configuration needs and the environment lacks.
#[derive(Debug, thiserror::Error)]
#[error("{0} is not set: the functions take the region and credentials from the environment Lambda provides")]
pub struct MissingVariable(pub &'static str);

/// The configuration from the environment, or which variable is missing.
pub fn sdk_config_from_env() -> Result<SdkConfig, MissingVariable> {
    from_lookup(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
}

/// The configuration every function builds at init. A missing variable is a
/// deployment error, so it stops the init with the variable's name.
pub fn sdk_config() -> SdkConfig {
    sdk_config_from_env().unwrap_or_else(|missing| panic!("{missing}"))
}

fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<SdkConfig, MissingVariable> {
    let region = var("AWS_REGION")
        .or_else(|| var("AWS_DEFAULT_REGION"))
        .ok_or(MissingVariable("AWS_REGION"))?;
    let key = var("AWS_ACCESS_KEY_ID").ok_or(MissingVariable("AWS_ACCESS_KEY_ID"))?;
    let secret = var("AWS_SECRET_ACCESS_KEY").ok_or(MissingVariable("AWS_SECRET_ACCESS_KEY"))?;
    let credentials = Credentials::new(key, secret, var("AWS_SESSION_TOKEN"), None, "environment");
    let mut builder = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region))
        .credentials_provider(SharedCredentialsProvider::new(credentials));
    if let Some(url) = var("AWS_ENDPOINT_URL") {
        builder = builder.endpoint_url(url);
    }
    Ok(builder.build())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn lambda_environment_gives_region_credentials_and_no_endpoint() {
        let config = from_lookup(lookup(&[
            ("AWS_REGION", "eu-west-1"),
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
            ("AWS_SESSION_TOKEN", "token"),
        ]))
        .unwrap();
        assert_eq!(config.region().unwrap().as_ref(), "eu-west-1");
        assert!(config.credentials_provider().is_some());
        assert_eq!(config.endpoint_url(), None);
    }

    #[test]
    fn local_environment_points_at_the_emulator() {
        let config = from_lookup(lookup(&[
            ("AWS_DEFAULT_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
        ]))
        .unwrap();
        assert_eq!(config.region().unwrap().as_ref(), "us-east-1");
        assert_eq!(config.endpoint_url(), Some("http://127.0.0.1:5000"));
    }

    #[test]
    fn a_missing_credential_is_named() {
        let missing = from_lookup(lookup(&[("AWS_REGION", "us-east-1")])).unwrap_err();
        assert_eq!(missing.0, "AWS_ACCESS_KEY_ID");
        let missing = from_lookup(lookup(&[])).unwrap_err();
        assert_eq!(missing.0, "AWS_REGION");
    }
}
