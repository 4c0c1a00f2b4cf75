//! One KMS call in its JSON protocol (`POST /`, `X-Amz-Target:
//! TrentService.<Op>`, `application/x-amz-json-1.1`), signed with
//! `aws-sigv4` and sent over hyper and rustls: the signer and HTTP stack
//! every SDK client already links. The KMS SDK (its fifty operations and
//! endpoint rules) weighed more than the rest of the pages function for
//! four calls; `functions/users/src/s3.rs` did the same for S3.
//!
//! The SDK's budgets hold (docs/performance.md, "Timeouts"): the
//! configuration's connect, attempt and whole-call timeouts, and the
//! standard retry mode's three attempts for what is worth retrying.

use aws_credential_types::provider::ProvideCredentials;
use aws_sigv4::http_request::{SignableBody, SigningSettings};
use aws_smithy_runtime_api::client::identity::Identity;
use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use std::time::{Duration, SystemTime};
use table::signed::{self, HttpClient, Signer};

/// Why a call failed: KMS's own refusal (its `__type`, without the
/// namespace) or anything on the way there.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error("KMS refused ({status}): {kind}: {message}")]
    Refused {
        status: StatusCode,
        kind: String,
        message: String,
    },
    #[error("KMS call failed: {0}")]
    Transport(String),
}

impl CallError {
    pub fn is(&self, kind: &str) -> bool {
        matches!(self, CallError::Refused { kind: k, .. } if k == kind)
    }

    /// Throttling, a server error or a connection that failed: the kinds
    /// the SDK's standard retry mode tries again.
    fn transient(&self) -> bool {
        match self {
            CallError::Refused { status, kind, .. } => {
                status.is_server_error()
                    || kind.contains("Throttling")
                    || kind == "KMSInternalException"
            }
            CallError::Transport(_) => true,
        }
    }
}

const ATTEMPTS: u32 = 3;

pub struct Endpoint {
    http: HttpClient,
    sdk: table::aws::SdkConfig,
    region: String,
    url: String,
    attempt: Option<Duration>,
    whole: Option<Duration>,
}

impl Endpoint {
    /// KMS of the configuration's region, or the configuration's endpoint
    /// (`AWS_ENDPOINT_URL`, the emulator locally).
    pub fn new(sdk: &table::aws::SdkConfig) -> Self {
        let region = sdk.region().map_or("us-east-1", |r| r.as_ref()).to_owned();
        let url = match sdk.endpoint_url() {
            Some(base) => format!("{}/", base.trim_end_matches('/')),
            None => format!("https://kms.{region}.amazonaws.com/"),
        };
        let timeouts = sdk.timeout_config();
        Self {
            http: Client::builder(TokioExecutor::new()).build(table::https::aws_connector(
                timeouts.and_then(|t| t.connect_timeout()),
            )),
            sdk: sdk.clone(),
            region,
            url,
            attempt: timeouts.and_then(|t| t.operation_attempt_timeout()),
            whole: timeouts.and_then(|t| t.operation_timeout()),
        }
    }

    /// `TrentService.<operation>` with `input`; the answer's JSON.
    pub async fn call(&self, operation: &str, input: &Value) -> Result<Value, CallError> {
        let body = serde_json::to_vec(input).map_err(|e| CallError::Transport(e.to_string()))?;
        within(self.whole, async {
            let mut tried = 0;
            loop {
                tried += 1;
                let attempt = within(self.attempt, self.attempt_once(operation, &body)).await;
                match attempt {
                    Err(e) if e.transient() && tried < ATTEMPTS => {
                        // The standard mode's jittered backoff, roughly.
                        let wait = 50 * 2u64.pow(tried) + u64::from(rand_jitter());
                        tokio::time::sleep(Duration::from_millis(wait)).await;
                    }
                    other => return other,
                }
            }
        })
        .await
    }

    async fn attempt_once(&self, operation: &str, body: &[u8]) -> Result<Value, CallError> {
        let transport = |e: String| CallError::Transport(e);
        let target = format!("TrentService.{operation}");
        let headers = [
            ("content-type", "application/x-amz-json-1.1"),
            ("x-amz-target", target.as_str()),
        ];
        let mut request = Request::post(&self.url);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let mut request = request
            .body(Full::new(Bytes::copy_from_slice(body)))
            .map_err(|e| transport(e.to_string()))?;
        let identity = self.identity().await?;
        Signer {
            identity: &identity,
            region: &self.region,
            service: "kms",
            settings: SigningSettings::default(),
        }
        .sign(&mut request, &headers, SignableBody::Bytes(body))
        .map_err(|e| transport(format!("signing: {e}")))?;
        let (status, bytes) = signed::exchange(&self.http, request)
            .await
            .map_err(transport)?;
        answer(status, &bytes)
    }

    async fn identity(&self) -> Result<Identity, CallError> {
        let failed = |e: &dyn std::fmt::Display| CallError::Transport(format!("credentials: {e}"));
        match self.sdk.credentials_provider() {
            Some(provider) => Ok(provider
                .provide_credentials()
                .await
                .map_err(|e| failed(&e))?
                .into()),
            None => Err(failed(&"none configured")),
        }
    }
}

/// KMS's answer: its JSON, or its refusal (`__type` and message).
fn answer(status: StatusCode, bytes: &[u8]) -> Result<Value, CallError> {
    let json: Value = serde_json::from_slice(bytes).unwrap_or(Value::Null);
    if status.is_success() {
        return Ok(json);
    }
    let text = |key: &str| json.get(key).and_then(Value::as_str).unwrap_or_default();
    // `__type` may carry its namespace: `com.amazonaws.kms#NotFoundException`.
    let kind = text("__type").rsplit('#').next().unwrap_or_default();
    let message = [text("message"), text("Message")].concat();
    Err(CallError::Refused {
        status,
        kind: kind.to_owned(),
        message: message.chars().take(300).collect(),
    })
}

async fn within<T>(
    limit: Option<Duration>,
    work: impl std::future::Future<Output = Result<T, CallError>>,
) -> Result<T, CallError> {
    match limit {
        Some(limit) => tokio::time::timeout(limit, work)
            .await
            .unwrap_or_else(|_| Err(CallError::Transport(format!("no answer in {limit:?}")))),
        None => work.await,
    }
}

/// Up to 50 ms, from the clock's nanoseconds (no RNG needed for spacing).
fn rand_jitter() -> u8 {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    (nanos % 50) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_named_by_their_type_without_namespace() {
        let body = br#"{"__type":"com.amazonaws.kms#InvalidCiphertextException","message":"bad"}"#;
        let e = answer(StatusCode::BAD_REQUEST, body).unwrap_err();
        assert!(e.is("InvalidCiphertextException") && !e.transient());
        let e = answer(
            StatusCode::BAD_REQUEST,
            br#"{"__type":"AlreadyExistsException"}"#,
        );
        assert!(e.unwrap_err().is("AlreadyExistsException"));
        let ok = answer(StatusCode::OK, br#"{"KeyId":"k"}"#).unwrap();
        assert_eq!(ok["KeyId"], "k");
    }

    #[test]
    fn throttling_server_errors_and_transport_are_retried() {
        let throttled = br#"{"__type":"ThrottlingException"}"#;
        assert!(answer(StatusCode::BAD_REQUEST, throttled)
            .unwrap_err()
            .transient());
        assert!(answer(StatusCode::SERVICE_UNAVAILABLE, b"")
            .unwrap_err()
            .transient());
        assert!(CallError::Transport("reset".into()).transient());
        let denied = br#"{"__type":"AccessDeniedException"}"#;
        assert!(!answer(StatusCode::BAD_REQUEST, denied)
            .unwrap_err()
            .transient());
    }

    #[tokio::test]
    async fn a_call_that_outlives_its_budget_fails() {
        let slow = async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            Ok(())
        };
        let r = within(Some(Duration::from_millis(10)), slow).await;
        assert!(matches!(r, Err(CallError::Transport(_))));
    }
}
