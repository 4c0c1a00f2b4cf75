//! OAuth 2.0 authorization server (RFC 6749, 7636, 7009, 8414) and OpenID
//! Connect provider (Core, Discovery): the authorization-code grant with
//! PKCE behind the cookie session (the hosted sign-in page when there is
//! none), `id_token`s and `/userinfo`,
//! refresh-token rotation with reuse detection, revocation, and the JWKS
//! that lets any service verify the ES256 access tokens. Errors use the
//! RFC 6749 envelope `{"error", "error_description"}`.

mod authorization_request;
mod client_auth;
mod error;
mod handlers;
pub mod oidc;
mod pkce;
mod redirect;
pub mod refresh_token;
pub mod registration;
mod to_pages;
mod views;

pub use error::{OAuthError, Rfc6749};

use axum::Router;
use http::Method;
use identity::AppState;
use web::RouteTable;

/// Every route of the function; template.yaml must declare exactly these.
pub fn route_table() -> RouteTable<AppState> {
    use handlers::*;
    RouteTable::new()
        .add(Method::GET, "/oauth/authorize", authorize::authorize)
        .add(Method::POST, "/oauth/token", token::token)
        .add(Method::POST, "/oauth/revoke", revoke::revoke)
        .add(Method::POST, "/oauth/introspect", introspect::introspect)
        .add(Method::GET, "/oauth/logout", end_session::end_session)
        .add(Method::POST, "/oauth/logout", end_session::end_session)
        .add(Method::GET, "/.well-known/jwks.json", jwks::jwks)
        .add(
            Method::GET,
            "/.well-known/oauth-authorization-server",
            metadata::metadata,
        )
        .add(
            Method::GET,
            "/.well-known/openid-configuration",
            metadata::metadata,
        )
        .add(Method::GET, "/userinfo", userinfo::userinfo)
        .add(Method::POST, "/userinfo", userinfo::userinfo)
}

/// The routes (each request logged), for merging into the dev server.
pub fn routes(state: AppState) -> Router {
    route_table()
        .into_router::<error::Rfc6749>()
        .with_state(state)
}

/// The function's whole app: routes plus answers in this surface's envelope
/// for unknown paths and methods.
pub fn app(state: AppState) -> Router {
    web::surface_app::<Rfc6749>(routes(state))
}
