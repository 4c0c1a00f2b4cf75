//! The three S3 calls profile pictures need (put, delete, a presigned GET),
//! signed with `aws-sigv4` and sent over hyper and rustls: the signer and
//! the HTTP stack every SDK client already links. The S3 SDK itself (its
//! hundred operations and endpoint rules) was a third of this function's
//! binary for three calls (docs/performance.md, binary sizes).

use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignatureLocation, SigningSettings,
    UriPathNormalizationMode,
};
use aws_smithy_runtime_api::client::identity::Identity;
use bytes::Bytes;
use http::{Method, Request, StatusCode};
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::time::Duration;
use table::signed::{self, HttpClient, Signer};

pub struct S3 {
    http: HttpClient,
    identity: Identity,
    region: String,
    /// `https://host[:port]/bucket` (path style) or `https://bucket.host`.
    bucket_url: String,
}

#[derive(Debug, thiserror::Error)]
pub enum S3Error {
    #[error("signing: {0}")]
    Signing(String),
    #[error("transport: {0}")]
    Transport(String),
    #[error("S3 answered {status}: {body}")]
    Refused { status: StatusCode, body: String },
}

impl S3 {
    /// From the process's AWS configuration: its region, credentials and
    /// (locally) endpoint; the bucket path-style or virtual-hosted.
    pub async fn new(
        sdk: &table::aws::SdkConfig,
        bucket: &str,
        path_style: bool,
    ) -> Result<Self, S3Error> {
        let region = sdk.region().map_or("us-east-1", |r| r.as_ref()).to_owned();
        let credentials: Credentials = match sdk.credentials_provider() {
            Some(provider) => provider
                .provide_credentials()
                .await
                .map_err(|e| S3Error::Signing(e.to_string()))?,
            None => return Err(S3Error::Signing("no credentials".into())),
        };
        let base = sdk
            .endpoint_url()
            .map(|u| u.trim_end_matches('/').to_owned());
        let bucket_url = match (base, path_style) {
            (Some(base), _) => format!("{base}/{bucket}"),
            (None, true) => format!("https://s3.{region}.amazonaws.com/{bucket}"),
            (None, false) => format!("https://{bucket}.s3.{region}.amazonaws.com"),
        };
        Ok(Self {
            http: Client::builder(TokioExecutor::new()).build(table::https::aws_connector(None)),
            identity: credentials.into(),
            region,
            bucket_url,
        })
    }

    pub async fn put(&self, key: &str, content_type: &str, body: Vec<u8>) -> Result<(), S3Error> {
        let headers = [("content-type", content_type)];
        self.send(Method::PUT, self.url(key), &headers, body).await
    }

    pub async fn delete(&self, key: &str) -> Result<(), S3Error> {
        self.send(Method::DELETE, self.url(key), &[], Vec::new())
            .await
    }

    /// Creates the bucket unless this account already has it (the local
    /// stack and tests; the template declares it in the cloud).
    pub async fn create_bucket(&self) -> Result<(), S3Error> {
        let body = match self.region.as_str() {
            "us-east-1" => Vec::new(),
            region => format!(
                "<CreateBucketConfiguration><LocationConstraint>{region}</LocationConstraint>\
                 </CreateBucketConfiguration>"
            )
            .into_bytes(),
        };
        match self
            .send(Method::PUT, self.bucket_url.clone(), &[], body)
            .await
        {
            Err(S3Error::Refused { body, .. }) if body.contains("BucketAlreadyOwnedByYou") => {
                Ok(())
            }
            other => other,
        }
    }

    /// A presigned GET URL, computed locally (no network call).
    pub fn presigned_get(&self, key: &str, ttl: Duration) -> Result<String, S3Error> {
        let mut settings = settings();
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(ttl);
        settings.payload_checksum_kind = PayloadChecksumKind::NoHeader;
        let mut request = Request::get(self.url(key))
            .body(())
            .map_err(|e| S3Error::Signing(e.to_string()))?;
        self.sign(&mut request, &[], SignableBody::UnsignedPayload, settings)?;
        Ok(request.uri().to_string())
    }

    fn url(&self, key: &str) -> String {
        // Keys are ours: lowercase hex, `/`, `.` and `-`, nothing to escape.
        format!("{}/{key}", self.bucket_url)
    }

    fn sign<B>(
        &self,
        request: &mut Request<B>,
        headers: &[(&str, &str)],
        body: SignableBody<'_>,
        settings: SigningSettings,
    ) -> Result<(), S3Error> {
        Signer {
            identity: &self.identity,
            region: &self.region,
            service: "s3",
            settings,
        }
        .sign(request, headers, body)
        .map_err(S3Error::Signing)
    }

    async fn send(
        &self,
        method: Method,
        url: String,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Result<(), S3Error> {
        let mut builder = Request::builder().method(method).uri(url);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let mut request = builder
            .body(Full::new(Bytes::new()))
            .map_err(|e| S3Error::Signing(e.to_string()))?;
        self.sign(
            &mut request,
            headers,
            SignableBody::Bytes(&body),
            settings(),
        )?;
        *request.body_mut() = Full::new(Bytes::from(body));
        let (status, answer) = signed::exchange(&self.http, request)
            .await
            .map_err(S3Error::Transport)?;
        match status.is_success() {
            true => Ok(()),
            false => Err(S3Error::Refused {
                status,
                body: String::from_utf8_lossy(&answer).chars().take(300).collect(),
            }),
        }
    }
}

/// S3's signing rules: single-encoded paths, no normalization, the payload
/// hash in `x-amz-content-sha256`.
fn settings() -> SigningSettings {
    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    settings
}
