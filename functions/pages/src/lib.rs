//! Hosted pages, the browser front door: sign-in (and its second factor),
//! sign-up with the emailed code, password reset, the account page (profile,
//! password, TOTP enrolment, signing out everywhere), sign-out and the
//! site invitation page. Server rendered from one template home
//! (`templates/`), English and Spanish, a strict CSP, a CSRF token on every
//! form (docs/pages.md). They need no JavaScript; one first-party script
//! (`static/passkeys.js`) adds passkeys where the browser has them.
//! Every sign-in goes through `identity::gate`.

mod brand;
mod context;
mod csrf;
mod error;
mod form;
mod handlers;
mod lang;
mod render;
mod return_to;

pub use error::PagesEnvelope;

use axum::Router;
use http::Method;
use identity::AppState;
use web::RouteTable;

/// Every route of the function; template.yaml must declare exactly these.
pub fn route_table() -> RouteTable<AppState> {
    use handlers::*;
    RouteTable::new()
        .add(Method::GET, "/pages/style.css", assets::stylesheet)
        .add(Method::GET, "/pages/passkeys.js", assets::script)
        .add(Method::GET, "/signin", signin::show)
        .add_sign_in(Method::POST, "/signin", signin::submit)
        .add_sign_in(Method::POST, "/signin/second-factor", second_factor::submit)
        // A step of a sign-in: refused cross-site even without a cookie.
        .add_sign_in(Method::POST, "/signin/passkey", passkey::second_factor)
        .add(Method::GET, "/signin/network/callback", network::callback)
        .add(Method::GET, "/signin/network/{id}", network::start)
        .add(Method::GET, "/signout", signout::confirm)
        .add(Method::POST, "/signout", signout::submit)
        .add(Method::GET, "/consent", consent::show)
        .add(Method::POST, "/consent", consent::submit)
        .add(Method::GET, "/signup", signup::show)
        .add(Method::POST, "/signup", signup::submit)
        .add(Method::GET, "/verify-email", verify::show)
        .add(Method::POST, "/verify-email", verify::submit)
        .add(Method::GET, "/reset-password", reset::show)
        .add(Method::POST, "/reset-password", reset::send)
        .add(Method::POST, "/reset-password/new", reset::submit)
        .add(Method::GET, "/join/{link}", join::show)
        .add(Method::POST, "/join/{link}", join::accept)
        .add(Method::GET, "/account", account::show)
        .add(Method::POST, "/account/profile", profile::save)
        .add(Method::POST, "/account/password", account::password)
        .add(Method::POST, "/account/totp", totp::start)
        .add(Method::POST, "/account/totp/confirm", totp::confirm)
        .add(Method::POST, "/account/sessions/end", account::end_session)
        .add(Method::POST, "/account/signout-all", signout::everywhere)
        .add(Method::POST, "/account/apps/revoke", apps::revoke)
        .add(Method::POST, "/account/export", account_lifecycle::export)
        .add(Method::POST, "/account/delete", account_lifecycle::delete)
        .add(
            Method::POST,
            "/account/networks/link",
            account_networks::start_link,
        )
        .add(
            Method::POST,
            "/account/networks/unlink",
            account_networks::unlink,
        )
        .add(
            Method::GET,
            "/account/networks/confirm",
            network_confirm::show,
        )
        .add(
            Method::POST,
            "/account/networks/confirm",
            network_confirm::confirm,
        )
}

/// The routes (each request logged), for merging into the dev server.
pub fn routes(state: AppState) -> Router {
    route_table()
        .into_router::<PagesEnvelope>()
        .layer(axum::middleware::from_fn(error::html_refusals))
        .with_state(state)
}

/// The function's whole app: routes plus an error page for unknown paths
/// and methods.
pub fn app(state: AppState) -> Router {
    routes(state)
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
}
