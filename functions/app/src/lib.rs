//! App Users API: the app endpoints (`/api/get/…`, `/api/check/…`,
//! `/api/update/…`, `/api/action/…`) for signed-in users with the
//! platform's cookie session, and the backend endpoints
//! (`/api/check/login/`, `/api/users/stats/…`, `/api/user/…`) for servers
//! with an `X-API-Key`. `/api/check/validate/` and `/api/check/email/`
//! serve both, by caller (docs/api/app-users.md).

mod caller;
pub mod erasure;
mod error;
mod fields;
mod handlers;
mod places;
mod rules;
pub mod stats;
pub mod store;
mod views;

pub use error::{ApiError, AppEnvelope};
pub use handlers::checks::{EMAIL_CHECK_PER_ADDRESS, EMAIL_CHECK_PER_CALLER};

use axum::Router;
use http::Method;
use identity::AppState;
use web::RouteTable;

/// Every route of the function; template.yaml must declare exactly these.
pub fn route_table() -> RouteTable<AppState> {
    use handlers::*;
    let post = Method::POST;
    RouteTable::new()
        .add(post.clone(), "/api/get/preferences/", preferences::get)
        .add(
            post.clone(),
            "/api/get/notifications/",
            notification_settings::get,
        )
        .add(
            post.clone(),
            "/api/get/notifications/history/",
            history::history,
        )
        .add(post.clone(), "/api/check/auth/", checks::auth)
        .add(post.clone(), "/api/check/validate/", checks::validate)
        .add(post.clone(), "/api/check/email/", checks::email)
        .add(post.clone(), "/api/check/login/", checks::backend_login)
        .add(
            post.clone(),
            "/api/update/language/",
            preferences::update_language,
        )
        .add(post.clone(), "/api/update/profile/", profile::update)
        .add(
            post.clone(),
            "/api/update/preferences/",
            preferences::update,
        )
        .add(
            post.clone(),
            "/api/update/notifications/",
            notification_settings::update,
        )
        .add(
            post.clone(),
            "/api/update/notifications/read/",
            history::mark_read,
        )
        .add_sign_in(post.clone(), "/api/action/register/", register::register)
        .add_sign_in(post.clone(), "/api/action/login/", session::login)
        .add(post.clone(), "/api/action/logout/", session::logout)
        .add(post.clone(), "/api/users/stats/sex/", stats::sex)
        .add(post.clone(), "/api/users/stats/age/", stats::age)
        .add(
            post.clone(),
            "/api/users/stats/preferences/",
            stats::preferences,
        )
        .add(post.clone(), "/api/user/status/", moderation::status)
        .add(post.clone(), "/api/user/status/ban/", moderation::ban)
        .add(
            post.clone(),
            "/api/user/force-logout/",
            moderation::force_logout,
        )
        .add(post.clone(), "/api/user/notification/", notify::send)
        .add(Method::GET, "/api/action/unsubscribe/", unsubscribe::show)
        .add(post, "/api/action/unsubscribe/", unsubscribe::confirm)
}

/// The routes (each request logged), for merging into the dev server.
pub fn routes(state: AppState) -> Router {
    route_table().into_router::<AppEnvelope>().with_state(state)
}

/// The function's whole app: routes plus answers in this surface's
/// envelope for unknown paths and methods.
pub fn app(state: AppState) -> Router {
    web::surface_app::<AppEnvelope>(routes(state))
}
