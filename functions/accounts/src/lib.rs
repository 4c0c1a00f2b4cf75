//! Accounts API v1 (`/api/v1/accounts…`): opaque token in the path,
//! `{"result": …, "status": "ok"}` envelope.

mod envelope;
mod error;
mod handlers;
mod lookup;
mod path_token;
mod views;

pub use error::ApiError;

use axum::Router;
use http::Method;
use identity::AppState;
use web::RouteTable;

/// Every route of the function; template.yaml must declare exactly these.
pub fn route_table() -> RouteTable<AppState> {
    use handlers::*;
    RouteTable::new()
        .add(Method::POST, "/api/v1/accounts", create::create)
        .add(Method::POST, "/api/v1/accounts/", create::create)
        .add_sign_in(Method::POST, "/api/v1/accounts/auth", auth::auth)
        .add(
            Method::GET,
            "/api/v1/accounts/{token}",
            account::get_account,
        )
        .add(
            Method::GET,
            "/api/v1/accounts/{token}/exists",
            exists::exists,
        )
        .add(
            Method::PUT,
            "/api/v1/accounts/{token}/updateRole",
            update_role::update_role,
        )
        .add(
            Method::GET,
            "/api/v1/accounts/{token}/listAccounts",
            list_accounts::list_accounts,
        )
        .add(
            Method::GET,
            "/api/v1/accounts/{token}/getBio",
            get_bio::get_bio,
        )
        .add(
            Method::GET,
            "/api/v1/accounts/{token}/getPreferences",
            preferences::get_preferences,
        )
        .add(
            Method::PUT,
            "/api/v1/accounts/{token}/updatePreferences",
            preferences::update_preferences,
        )
}

/// The routes (each request logged), for merging into the dev server.
pub fn routes(state: AppState) -> Router {
    route_table()
        .into_router::<error::AccountsEnvelope>()
        .with_state(state)
}

/// The function's whole app: routes plus answers in this surface's envelope
/// for unknown paths and methods.
pub fn app(state: AppState) -> Router {
    web::surface_app::<error::AccountsEnvelope>(routes(state))
}
