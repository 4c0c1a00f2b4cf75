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
//!
//! The HTTPS client is built here too, once, trusting roots compiled into
//! the binary: the SDK's default client reads every file of the system's
//! certificate store when a service client is built, which was most of the
//! remaining init time (docs/performance.md). By default the trust store is
//! the five Amazon Trust Services roots that every AWS service endpoint
//! chains to (parsing 5 roots instead of about 150, for each client built at
//! init; and a narrower trust than any system store). `AWS_TLS_ROOTS=mozilla`
//! trusts the whole Mozilla set instead, should an endpoint ever chain
//! elsewhere.

use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use aws_sdk_dynamodb::config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::config::BehaviorVersion;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
use aws_smithy_http_client::Builder;
use aws_types::region::Region;
use aws_types::sdk_config::SharedHttpClient;
pub use aws_types::SdkConfig;
use std::borrow::Cow;
use std::time::Duration;

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

/// The configuration as `var` tells it (the environment, or a test's own).
pub fn sdk_config_with(var: impl Fn(&str) -> Option<String>) -> Result<SdkConfig, MissingVariable> {
    from_lookup(var)
}

/// How long an AWS call may take (docs/performance.md, "Timeouts"): a
/// connection 1 s, one attempt 2 s, the whole call with its retries 5 s,
/// so a hung dependency answers 503 with `Retry-After` well inside the
/// functions' 10 s timeout instead of API Gateway's 502. The local
/// emulator, on a busy laptop, gets ten times as long. Each can be set in
/// milliseconds: `AWS_CONNECT_TIMEOUT_MS`, `AWS_ATTEMPT_TIMEOUT_MS`,
/// `AWS_OPERATION_TIMEOUT_MS`.
fn timeouts(var: &impl Fn(&str) -> Option<String>, local: bool) -> TimeoutConfig {
    let scale = if local { 10 } else { 1 };
    let ms = |name: &str, default: u64| {
        Duration::from_millis(
            var(name)
                .and_then(|v| v.parse().ok())
                .unwrap_or(default * scale),
        )
    };
    TimeoutConfig::builder()
        .connect_timeout(ms("AWS_CONNECT_TIMEOUT_MS", 1_000))
        .operation_attempt_timeout(ms("AWS_ATTEMPT_TIMEOUT_MS", 2_000))
        .operation_timeout(ms("AWS_OPERATION_TIMEOUT_MS", 5_000))
        .build()
}

fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<SdkConfig, MissingVariable> {
    let region = var("AWS_REGION")
        .or_else(|| var("AWS_DEFAULT_REGION"))
        .ok_or(MissingVariable("AWS_REGION"))?;
    let key = var("AWS_ACCESS_KEY_ID").ok_or(MissingVariable("AWS_ACCESS_KEY_ID"))?;
    let secret = var("AWS_SECRET_ACCESS_KEY").ok_or(MissingVariable("AWS_SECRET_ACCESS_KEY"))?;
    let credentials = Credentials::new(key, secret, var("AWS_SESSION_TOKEN"), None, "environment");
    let endpoint = var("AWS_ENDPOINT_URL");
    let mut builder = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .timeout_config(timeouts(&var, endpoint.is_some()))
        .http_client(https_client())
        .region(Region::new(region))
        .credentials_provider(SharedCredentialsProvider::new(credentials));
    if let Some(url) = endpoint {
        builder = builder.endpoint_url(url);
    }
    Ok(builder.build())
}

const AMAZON_ROOTS_PEM: &[u8] = include_bytes!("amazon-roots.pem");

/// The trusted roots as PEM (the SDK's trust store takes PEM), per
/// `AWS_TLS_ROOTS` (`amazon`, the default, or `mozilla`).
pub fn trusted_roots_pem() -> Cow<'static, [u8]> {
    match std::env::var("AWS_TLS_ROOTS").as_deref() {
        Ok("mozilla") => Cow::Owned(mozilla_roots()),
        _ => Cow::Borrowed(AMAZON_ROOTS_PEM),
    }
}

/// One HTTPS client (rustls on aws-lc, as the SDK's default) whose trust
/// store is the compiled-in roots only.
fn https_client() -> SharedHttpClient {
    let context = TlsContext::builder()
        .with_trust_store(TrustStore::empty().with_pem_certificate(trusted_roots_pem()))
        .build()
        .expect("a TLS context from static roots");
    Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
        .tls_context(context)
        .build_https()
}

/// The Mozilla roots as one PEM bundle.
fn mozilla_roots() -> Vec<u8> {
    use base64::Engine;
    let mut pem = Vec::with_capacity(webpki_root_certs::TLS_SERVER_ROOT_CERTS.len() * 2100);
    for cert in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
        pem.extend_from_slice(b"-----BEGIN CERTIFICATE-----\n");
        let body = base64::engine::general_purpose::STANDARD.encode(cert.as_ref());
        for line in body.as_bytes().chunks(64) {
            pem.extend_from_slice(line);
            pem.push(b'\n');
        }
        pem.extend_from_slice(b"-----END CERTIFICATE-----\n");
    }
    pem
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
    fn timeouts_default_to_the_budgets_and_can_be_set() {
        let base = [
            ("AWS_REGION", "eu-west-1"),
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
        ];
        let cloud = from_lookup(lookup(&base)).unwrap();
        let t = cloud.timeout_config().unwrap();
        assert_eq!(t.connect_timeout(), Some(Duration::from_secs(1)));
        assert_eq!(t.operation_attempt_timeout(), Some(Duration::from_secs(2)));
        assert_eq!(t.operation_timeout(), Some(Duration::from_secs(5)));
        let mut local = base.to_vec();
        local.push(("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"));
        local.push(("AWS_ATTEMPT_TIMEOUT_MS", "150"));
        let local = from_lookup(lookup(&local)).unwrap();
        let t = local.timeout_config().unwrap();
        assert_eq!(t.connect_timeout(), Some(Duration::from_secs(10)));
        assert_eq!(
            t.operation_attempt_timeout(),
            Some(Duration::from_millis(150))
        );
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

    fn ders(pem: &[u8]) -> Vec<Vec<u8>> {
        use rustls_pki_types::pem::PemObject;
        rustls_pki_types::CertificateDer::pem_slice_iter(pem)
            .map(|c| c.unwrap().as_ref().to_vec())
            .collect()
    }

    #[test]
    fn the_amazon_roots_are_five_roots_of_the_mozilla_set() {
        let amazon = ders(AMAZON_ROOTS_PEM);
        assert_eq!(amazon.len(), 5);
        for der in &amazon {
            assert!(
                webpki_root_certs::TLS_SERVER_ROOT_CERTS
                    .iter()
                    .any(|c| c.as_ref() == der.as_slice()),
                "an Amazon root is not in the Mozilla set"
            );
        }
    }

    #[test]
    fn the_mozilla_roots_are_the_whole_set_in_pem() {
        let all = ders(&mozilla_roots());
        assert_eq!(all.len(), webpki_root_certs::TLS_SERVER_ROOT_CERTS.len());
        assert!(all.len() > 100, "{} roots", all.len());
    }

    #[test]
    fn a_missing_credential_is_named() {
        let missing = from_lookup(lookup(&[("AWS_REGION", "us-east-1")])).unwrap_err();
        assert_eq!(missing.0, "AWS_ACCESS_KEY_ID");
        let missing = from_lookup(lookup(&[])).unwrap_err();
        assert_eq!(missing.0, "AWS_REGION");
    }
}
