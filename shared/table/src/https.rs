//! An HTTPS connector for the calls made outside the SDK (S3 uploads, the
//! social networks' endpoints): rustls on aws-lc as the SDK's, trusting
//! exactly the roots given, plain HTTP too (the emulator and loopback
//! providers).

use std::sync::Arc;
use std::time::Duration;

pub use hyper_rustls::HttpsConnector;
pub use hyper_util::client::legacy::connect::HttpConnector;
pub use rustls::RootCertStore;

pub fn connector(roots: RootCertStore) -> HttpsConnector<HttpConnector> {
    connector_with_timeout(roots, None)
}

/// The same, giving up on a connection that takes longer than `connect`
/// (the SDK clients' connect timeout, docs/performance.md).
pub fn connector_with_timeout(
    roots: RootCertStore,
    connect: Option<Duration>,
) -> HttpsConnector<HttpConnector> {
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("aws-lc supports the default TLS versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_connect_timeout(connect);
    hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .wrap_connector(http)
}

/// A connector trusting the roots the SDK clients trust (`AWS_TLS_ROOTS`,
/// `table::aws`): for AWS calls made without an SDK client (S3, KMS).
pub fn aws_connector(connect: Option<Duration>) -> HttpsConnector<HttpConnector> {
    use rustls::pki_types::{pem::PemObject, CertificateDer};
    let mut roots = RootCertStore::empty();
    let pem = crate::aws::trusted_roots_pem();
    roots.add_parsable_certificates(CertificateDer::pem_slice_iter(&pem).flatten());
    connector_with_timeout(roots, connect)
}
