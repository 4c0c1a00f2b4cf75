//! Social Networks API (`/api/social-networks…`): the networks users can
//! sign in with, their users, and the backend endpoints that link accounts
//! and record authorizations. Every route takes an `X-API-Key`.

mod access;
pub mod erasure;
mod error;
mod handlers;
mod lookup;
mod network_key;
mod paging;
pub mod settings;
pub mod signin;
pub mod store;
mod views;

pub use error::{ApiError, SocialNetworks};

use axum::Router;
use http::Method;
use identity::AppState;
use web::RouteTable;

/// Every route of the function; template.yaml must declare exactly these.
pub fn route_table() -> RouteTable<AppState> {
    use handlers::*;
    RouteTable::new()
        .add(Method::GET, "/api/social-networks", list::list)
        .add(Method::POST, "/api/social-networks", create::create)
        .add(Method::GET, "/api/social-networks/{id}", get::get)
        .add(Method::PUT, "/api/social-networks/{id}", update::update)
        .add(Method::DELETE, "/api/social-networks/{id}", delete::delete)
        .add(Method::GET, "/api/social-networks/{id}/users", users::users)
        .add(
            Method::PATCH,
            "/api/social-networks/{id}/toggle",
            toggle::toggle,
        )
        .add(Method::GET, "/api/social-networks/{id}/stats", stats::stats)
        .add(Method::POST, "/api/social-networks/{id}/links", link::link)
        .add(
            Method::DELETE,
            "/api/social-networks/{id}/links/{user_id}",
            unlink::unlink,
        )
        .add(
            Method::POST,
            "/api/social-networks/{id}/authorizations",
            authorize::authorize,
        )
}

/// The routes (each request logged), for merging into the dev server.
pub fn routes(state: AppState) -> Router {
    route_table()
        .into_router::<error::SocialNetworks>()
        .with_state(state)
}

/// The function's whole app: routes plus answers in this surface's envelope
/// for unknown paths and methods.
pub fn app(state: AppState) -> Router {
    web::surface_app::<SocialNetworks>(routes(state))
}
