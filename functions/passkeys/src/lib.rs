//! Passkeys (WebAuthn) under `/user/passkeys`: registration by a signed-in
//! user, username-less sign-in completed by the gatekeeper
//! (`identity::gate::sign_in_by_passkey`), and the owner's list, rename and
//! removal. Its own Lambda, so the WebAuthn crate weighs on no other
//! function's budget. JSON in the WebAuthn JSON serialization; the Users
//! API's envelopes (docs/api/users.md, "Passkeys").

mod envelope;
mod login;
mod manage;
mod options;
mod register;
pub mod rp;
mod second_factor;
pub mod store;

pub use envelope::ApiError;

use axum::Router;
use http::Method;
use identity::AppState;
use web::RouteTable;

/// Every route of the function; template.yaml must declare exactly these.
pub fn route_table() -> RouteTable<AppState> {
    RouteTable::new()
        .add(
            Method::POST,
            "/user/passkeys/register/options",
            register::options,
        )
        .add(
            Method::POST,
            "/user/passkeys/register/verify",
            register::verify,
        )
        .add(Method::POST, "/user/passkeys/login/options", login::options)
        .add_sign_in(Method::POST, "/user/passkeys/login/verify", login::verify)
        .add(
            Method::POST,
            "/user/passkeys/second-factor/options",
            second_factor::options,
        )
        .add_sign_in(
            Method::POST,
            "/user/passkeys/second-factor/verify",
            second_factor::verify,
        )
        .add(Method::GET, "/user/passkeys", manage::list)
        .add(Method::PATCH, "/user/passkeys/{id}", manage::rename)
        .add(Method::DELETE, "/user/passkeys/{id}", manage::delete)
}

/// The routes (each request logged), for merging into the dev server.
pub fn routes(state: AppState) -> Router {
    route_table()
        .into_router::<web::UsersEnvelope>()
        .with_state(state)
}

/// The function's whole app.
pub fn app(state: AppState) -> Router {
    web::surface_app::<web::UsersEnvelope>(routes(state))
}
