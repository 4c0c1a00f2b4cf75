//! Users API, identity half (`/user/…`, `/roles/list`): sign-up with email
//! verification, cookie-session login with optional 2FA, logout, password
//! reset, profile and picture, role catalogue. `{"ok": 1, "data": …}`
//! envelope; errors `{"ok": 0, "error", "code", "field"}`
//! (docs/api/users.md).

mod caller;
mod envelope;
pub mod erasure;
mod error;
mod fields;
mod handlers;
mod login_flow;
pub mod pictures;
mod png_clean;
mod s3;
mod store;
mod views;

pub use error::ApiError;

use axum::Router;
use http::Method;
use identity::AppState;
use web::RouteTable;

/// Every route of the function; template.yaml must declare exactly these.
pub fn route_table() -> RouteTable<AppState> {
    use handlers::follow_lists::{mine, of_user, FOLLOWERS, FOLLOWING, REQUESTS};
    use handlers::*;
    RouteTable::new()
        .add(Method::POST, "/user/create", create::create)
        .add(
            Method::POST,
            "/user/verify-email",
            verify_email::verify_email,
        )
        .add_sign_in(Method::POST, "/user/login", login::login)
        .add_sign_in(Method::POST, "/user/do-2fa", do_2fa::do_2fa)
        .add(Method::POST, "/user/2fa/enable", two_factor::enable)
        .add(Method::POST, "/user/2fa/disable", two_factor::disable)
        .add(Method::POST, "/user/2fa/totp/setup", totp::setup)
        .add(Method::POST, "/user/2fa/totp/confirm", totp::confirm)
        .add(Method::POST, "/user/logout", logout::logout)
        .add(Method::POST, "/user/logout-all", logout::logout_all)
        .add(Method::GET, "/user/sessions", sessions::list)
        .add(Method::DELETE, "/user/sessions/{id}", sessions::end)
        .add(Method::GET, "/user/networks", networks::list)
        .add(Method::DELETE, "/user/networks/{id}", networks::unlink)
        .add(Method::POST, "/user/networks/{id}/link", networks::link)
        .add(Method::GET, "/user/code", code::code)
        .add(
            Method::POST,
            "/user/reset-password",
            reset_password::reset_password,
        )
        .add(Method::POST, "/user/private", private::set_private)
        .add(Method::GET, "/user/me", user::me)
        .add(Method::PATCH, "/user/me", update_me::update_me)
        .add(Method::DELETE, "/user/me", account::delete_me)
        .add(Method::POST, "/user/me/export", account::export_me)
        .add(
            Method::GET,
            "/user/me/security-events",
            security_events::list,
        )
        .add(Method::PATCH, "/user/profile-picture", profile_picture::set)
        .add(
            Method::DELETE,
            "/user/profile-picture",
            profile_picture::remove,
        )
        .add(Method::GET, "/user/invite-codes", invite_codes::list)
        .add(Method::POST, "/user/search", search::search)
        .add(Method::POST, "/user/block", block::block)
        .add(Method::POST, "/user/unblock", block::unblock)
        .add(Method::POST, "/user/follow", follow::follow)
        .add(Method::POST, "/user/unfollow", follow::unfollow)
        .add(Method::GET, "/user/followers", mine::<FOLLOWERS>)
        .add(Method::GET, "/user/following", mine::<FOLLOWING>)
        .add(Method::GET, "/user/follow-requests", mine::<REQUESTS>)
        .add(Method::PATCH, "/user/follow-request", follow_entry::accept)
        .add(Method::DELETE, "/user/follow-entry", follow_entry::delete)
        .add(
            Method::GET,
            "/user/{userId}/followers",
            of_user::<FOLLOWERS>,
        )
        .add(
            Method::GET,
            "/user/{userId}/following",
            of_user::<FOLLOWING>,
        )
        .add(Method::GET, "/user/{userId}", user::by_id)
        .add(Method::GET, "/roles/list", roles::list)
}

/// The routes (each request logged), for merging into the dev server.
pub fn routes(state: AppState) -> Router {
    route_table()
        .into_router::<error::UsersEnvelope>()
        .with_state(state)
}

/// The function's whole app: routes plus answers in this surface's envelope
/// for unknown paths and methods.
pub fn app(state: AppState) -> Router {
    web::surface_app::<error::UsersEnvelope>(routes(state))
}
