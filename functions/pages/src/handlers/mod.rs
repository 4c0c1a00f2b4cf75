//! One module per page; what several share is here.

pub mod account;
pub mod account_events;
pub mod account_lifecycle;
pub mod account_networks;
pub mod apps;
pub mod assets;
pub mod consent;
pub mod join;
pub mod network;
pub mod network_confirm;
pub mod network_outcome;
pub mod networks;
pub mod passkey;
pub mod profile;
pub mod reset;
pub mod second_factor;
pub mod signin;
pub mod signout;
pub mod signup;
pub mod totp;
pub mod verify;

use crate::context::Ctx;
use axum::response::Response;
use domain::User;
use identity::AppState;
use table::TokenRecord;

/// The signed-in user of the request's cookie session, if it is live.
pub async fn signed_in(state: &AppState, ctx: &Ctx) -> Option<(TokenRecord, User)> {
    identity::session::resolve(&state.store, &ctx.headers)
        .await
        .ok()
}

/// To the sign-in page, coming back to `path` afterwards.
pub fn to_signin(ctx: &Ctx, path: &str) -> Response {
    let lang = crate::lang::code(ctx.lang(None));
    let query = serde_urlencoded::to_string([("return_to", path), ("ui_locales", lang)])
        .unwrap_or_default();
    crate::render::see_other(&format!("/signin?{query}"), Vec::new())
}

/// A form action with the page's language kept.
pub fn action(path: &str, lang: domain::Language) -> String {
    format!("{path}?ui_locales={}", crate::lang::code(lang))
}

/// A code that is unknown, expired, used or out of attempts: the one
/// answer a failed redemption gives, on the form's `code` field.
pub fn invalid_code() -> domain::Error {
    let e: domain::Error = table::RedeemError::Invalid.into();
    e.on("code")
}
