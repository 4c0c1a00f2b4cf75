//! Where a request comes from, for the gatekeeper's budgets: the client
//! address the edge saw (API Gateway's `requestContext.http.sourceIp` on
//! Lambda; the peer address under the dev server) and the device cookie.
//! Headers a client writes (`X-Forwarded-For`) are never trusted for it.

use axum::extract::{ConnectInfo, FromRequestParts};
use http::request::Parts;
use identity::gate::Attempt;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

/// The request's [`Attempt`], for every handler that signs someone in or
/// checks a password.
pub struct SignInAttempt(pub Attempt);

/// The client's address as the edge saw it.
pub fn client_ip(parts: &Parts) -> Option<IpAddr> {
    if let Some(lambda_http::request::RequestContext::ApiGatewayV2(ctx)) =
        parts
            .extensions
            .get::<lambda_http::request::RequestContext>()
    {
        return ctx.http.source_ip.as_deref().and_then(|ip| ip.parse().ok());
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
}

impl<S: Send + Sync> FromRequestParts<S> for SignInAttempt {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(SignInAttempt(Attempt {
            source: client_ip(parts),
            device: Attempt::device_of(&parts.headers),
            user_agent: Attempt::user_agent_of(&parts.headers),
        }))
    }
}

/// The client's address alone, for budgets that are not sign-ins.
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(ClientIp(client_ip(parts)))
    }
}
