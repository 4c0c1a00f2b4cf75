//! The few HTTPS calls a sign-in makes to a provider (discovery, JWKS, the
//! token exchange, userinfo): JSON answers, a 5 s budget each, 1 MiB at
//! most, TLS (rustls on aws-lc, as the SDK) trusting the Mozilla roots
//! (providers are not AWS endpoints), plain HTTP only for loopback.

use crate::FederationError;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use http::{header, Method, Request};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use std::sync::LazyLock;
use std::time::Duration;
use table::https::{HttpConnector, HttpsConnector};
use url::Url;

const BUDGET: Duration = Duration::from_secs(5);
const MAX_BYTES: usize = 1024 * 1024;
const USER_AGENT: &str = "platform-federation/1";

type HttpsClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

static CLIENT: LazyLock<HttpsClient> = LazyLock::new(|| {
    let mut roots = table::https::RootCertStore::empty();
    roots.add_parsable_certificates(webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().cloned());
    Client::builder(TokioExecutor::new()).build(table::https::connector(roots))
});

fn unreachable(what: impl std::fmt::Display) -> FederationError {
    FederationError::Unreachable(what.to_string())
}

/// A provider's JSON answer to `request`, whatever its status (a token
/// endpoint's refusal is JSON with `error`); `None` body is not JSON.
async fn send(request: Request<Full<Bytes>>) -> Result<(u16, Value), FederationError> {
    let call = async {
        let response = CLIENT.request(request).await.map_err(unreachable)?;
        let status = response.status().as_u16();
        let body = Limited::new(response.into_body(), MAX_BYTES)
            .collect()
            .await
            .map_err(unreachable)?
            .to_bytes();
        let json: Value = serde_json::from_slice(&body)
            .map_err(|_| unreachable(format!("a non-JSON answer ({status})")))?;
        Ok((status, json))
    };
    tokio::time::timeout(BUDGET, call)
        .await
        .map_err(|_| unreachable("no answer in time"))?
}

fn base(method: Method, url: &Url) -> http::request::Builder {
    Request::builder()
        .method(method)
        .uri(url.as_str())
        .header(header::ACCEPT, "application/json")
        .header(header::USER_AGENT, USER_AGENT)
}

/// `GET` a JSON document, with a bearer token when given; 2xx only.
pub async fn get_json(url: &Url, bearer: Option<&str>) -> Result<Value, FederationError> {
    let mut request = base(Method::GET, url);
    if let Some(token) = bearer {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let request = request.body(Full::default()).map_err(unreachable)?;
    match send(request).await? {
        (200..=299, json) => Ok(json),
        (status, _) => Err(unreachable(format!("{url} answered {status}"))),
    }
}

/// `POST` a form (the token endpoint), the client authenticated with HTTP
/// Basic (RFC 6749 §2.3.1) when it has a secret. The status and answer.
pub async fn post_form(
    url: &Url,
    form: &[(&str, &str)],
    basic: Option<(&str, &str)>,
) -> Result<(u16, Value), FederationError> {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let mut request =
        base(Method::POST, url).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some((id, secret)) = basic {
        let encode =
            |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let pair = format!("{}:{}", encode(id), encode(secret));
        request = request.header(
            header::AUTHORIZATION,
            format!("Basic {}", STANDARD.encode(pair)),
        );
    }
    let request = request
        .body(Full::new(Bytes::from(body)))
        .map_err(unreachable)?;
    send(request).await
}
