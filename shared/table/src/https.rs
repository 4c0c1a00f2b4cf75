//! An HTTPS connector for the calls made outside the SDK (S3 uploads, the
//! social networks' endpoints): rustls on aws-lc as the SDK's, trusting
//! exactly the roots given, plain HTTP too (the emulator and loopback
//! providers).

use std::sync::Arc;

pub use hyper_rustls::HttpsConnector;
pub use hyper_util::client::legacy::connect::HttpConnector;
pub use rustls::RootCertStore;

pub fn connector(roots: RootCertStore) -> HttpsConnector<HttpConnector> {
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("aws-lc supports the default TLS versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .build()
}
