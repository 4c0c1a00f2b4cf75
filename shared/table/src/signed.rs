//! AWS calls made without an SDK client (S3 for profile pictures, KMS for
//! envelope encryption): a request signed with SigV4 by `aws-sigv4` and
//! sent over the hyper/rustls stack every SDK client already links
//! (`https::aws_connector`), the answer read whole.

use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::{BodyExt, Full};
use std::time::SystemTime;

pub type HttpClient = hyper_util::client::legacy::Client<
    crate::https::HttpsConnector<crate::https::HttpConnector>,
    Full<Bytes>,
>;

/// Who signs, where, for which service (`s3`, `kms`), by which rules.
pub struct Signer<'a> {
    pub identity: &'a Identity,
    pub region: &'a str,
    pub service: &'a str,
    pub settings: SigningSettings,
}

impl Signer<'_> {
    /// Signs `request` (its method and URI) with `headers` and `body` as
    /// they will be sent: the signature goes into its headers or query.
    pub fn sign<B>(
        self,
        request: &mut Request<B>,
        headers: &[(&str, &str)],
        body: SignableBody<'_>,
    ) -> Result<(), String> {
        let params = v4::SigningParams::builder()
            .identity(self.identity)
            .region(self.region)
            .name(self.service)
            .time(SystemTime::now())
            .settings(self.settings)
            .build()
            .map_err(|e| e.to_string())?
            .into();
        let uri = request.uri().to_string();
        let signable = SignableRequest::new(
            request.method().as_str(),
            uri.as_str(),
            headers.iter().copied(),
            body,
        )
        .map_err(|e| e.to_string())?;
        let (instructions, _) = sign(signable, &params)
            .map_err(|e| e.to_string())?
            .into_parts();
        instructions.apply_to_request_http1x(request);
        Ok(())
    }
}

/// Sends `request` and reads the whole answer.
pub async fn exchange(
    http: &HttpClient,
    request: Request<Full<Bytes>>,
) -> Result<(StatusCode, Bytes), String> {
    let response = http.request(request).await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok((status, body))
}
