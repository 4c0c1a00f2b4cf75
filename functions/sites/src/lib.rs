//! Sites API (Unet): the sites a user belongs to, their members, and the
//! invitation lifecycle, on the platform's identity and OAuth server.
//! `RESOURCE_URI` comes from the token exchange, `TARGET_RESOURCE_URI` from
//! `sites/`; every route takes a bearer access token.

pub mod identifier;
pub mod join;
pub mod model;
pub mod store;

mod access;
mod error;
mod fields;
mod handlers;
mod invitee;
mod paging;
mod urls;
mod views;

pub use error::{ApiError, Sites};
pub use urls::{resource_uri, target_resource_uri};
pub use views::site_info;

use axum::Router;
use http::Method;
use identity::AppState;
use web::RouteTable;

/// Every route of the function; template.yaml must declare exactly these.
/// The document's paths answer with and without the trailing slash.
pub fn route_table() -> RouteTable<AppState> {
    use handlers::*;
    RouteTable::new()
        .add(Method::GET, "/unet/sites", sites::sites)
        .add(Method::GET, "/unet/sites/", sites::sites)
        .add(Method::GET, "/unet/sites/{site}/info", info::info)
        .add(Method::GET, "/unet/sites/{site}/info/", info::info)
        .add(Method::GET, "/unet/sites/{site}/members", members::members)
        .add(Method::GET, "/unet/sites/{site}/members/", members::members)
        .add(
            Method::GET,
            "/unet/sites/{site}/invitations",
            invitations::list,
        )
        .add(
            Method::GET,
            "/unet/sites/{site}/invitations/",
            invitations::list,
        )
        .add(Method::POST, "/unet/sites/{site}/invitations/add", add::add)
        .add(
            Method::POST,
            "/unet/sites/{site}/invitations/add/",
            add::add,
        )
        .add(
            Method::GET,
            "/unet/sites/{site}/invitations/lookup",
            lookup::lookup,
        )
        .add(
            Method::GET,
            "/unet/sites/{site}/invitations/lookup/",
            lookup::lookup,
        )
        .add(
            Method::POST,
            "/unet/sites/{site}/invitations/{id}/status",
            change::status,
        )
        .add(
            Method::POST,
            "/unet/sites/{site}/invitations/{id}/status/",
            change::status,
        )
        .add(
            Method::POST,
            "/unet/sites/{site}/invitations/{id}/update",
            change::update,
        )
        .add(
            Method::POST,
            "/unet/sites/{site}/invitations/{id}/update/",
            change::update,
        )
        .add(
            Method::POST,
            "/unet/sites/{site}/invitations/{id}/delete",
            change::delete,
        )
        .add(
            Method::POST,
            "/unet/sites/{site}/invitations/{id}/delete/",
            change::delete,
        )
        .add(Method::GET, "/unet/join/{link}", accept::show)
        .add(Method::POST, "/unet/join/{link}", accept::accept)
}

/// The routes (each request logged), for merging into the dev server.
pub fn routes(state: AppState) -> Router {
    route_table().into_router::<Sites>().with_state(state)
}

/// The function's whole app: routes plus answers in this surface's envelope
/// for unknown paths and methods.
pub fn app(state: AppState) -> Router {
    web::surface_app::<Sites>(routes(state))
}
