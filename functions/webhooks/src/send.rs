//! One attempt on the wire: POST the body with the three Standard Webhooks
//! headers, 5 s budget, at most 64 KiB of the answer read. In the cloud the
//! host must resolve to public addresses only (checked before connecting).

use crate::settings::is_private;
use bytes::Bytes;
use http::{header, Method, Request};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::sync::LazyLock;
use std::time::Duration;
use table::https::{HttpConnector, HttpsConnector};

const BUDGET: Duration = Duration::from_secs(5);
const MAX_BYTES: usize = 64 * 1024;
const USER_AGENT: &str = "platform-webhooks/1";

type HttpsClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

static CLIENT: LazyLock<HttpsClient> = LazyLock::new(|| {
    let mut roots = table::https::RootCertStore::empty();
    roots.add_parsable_certificates(webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().cloned());
    Client::builder(TokioExecutor::new()).build(table::https::connector(roots))
});

/// The headers of one attempt.
pub struct Signed<'a> {
    pub id: &'a str,
    pub timestamp: i64,
    pub signature: String,
}

/// What the receiver made of it: its status, or why there was none.
pub type Answer = Result<u16, String>;

pub async fn post(url: &url::Url, body: &str, signed: &Signed<'_>, local: bool) -> Answer {
    if !local {
        public_only(url).await?;
    }
    let request = Request::builder()
        .method(Method::POST)
        .uri(url.as_str())
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::USER_AGENT, USER_AGENT)
        .header("webhook-id", signed.id)
        .header("webhook-timestamp", signed.timestamp.to_string())
        .header("webhook-signature", &signed.signature)
        .body(Full::new(Bytes::from(body.to_owned())))
        .map_err(|e| e.to_string())?;
    let call = async {
        let response = CLIENT.request(request).await.map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        // Read (a little of) the answer so the connection can be reused.
        let _ = Limited::new(response.into_body(), MAX_BYTES)
            .collect()
            .await;
        Ok(status)
    };
    tokio::time::timeout(BUDGET, call)
        .await
        .map_err(|_| "no answer within 5 s".to_owned())?
}

/// Refuses a host that resolves to a private, loopback or link-local
/// address (the name could have changed since it was registered).
async fn public_only(url: &url::Url) -> Result<(), String> {
    let host = url.host_str().ok_or("no host")?;
    let port = url.port_or_known_default().unwrap_or(443);
    let addrs = tokio::net::lookup_host((host.trim_matches(['[', ']']), port))
        .await
        .map_err(|e| format!("{host} does not resolve: {e}"))?;
    for addr in addrs {
        if is_private(addr.ip()) {
            return Err(format!("{host} resolves to a private address"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed() -> Signed<'static> {
        Signed {
            id: "msg_1",
            timestamp: 1,
            signature: "v1,x".into(),
        }
    }

    /// In the cloud a name that resolves to loopback is refused before any
    /// connection (SSRF); locally it is where the receiver is.
    #[tokio::test]
    async fn private_addresses_are_refused_in_the_cloud() {
        for url in [
            "https://localhost:9/",
            "https://127.0.0.1:9/",
            "https://[::1]:9/",
        ] {
            let url = url::Url::parse(url).unwrap();
            let answer = post(&url, "{}", &signed(), false).await;
            assert!(
                answer.as_ref().is_err_and(|e| e.contains("private")),
                "{url}: {answer:?}"
            );
        }
        let url = url::Url::parse("http://127.0.0.1:9/").unwrap();
        let answer = post(&url, "{}", &signed(), true).await;
        assert!(
            answer.is_err_and(|e| !e.contains("private")),
            "locally it is attempted"
        );
    }
}
