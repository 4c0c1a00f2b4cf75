//! The HTTP edge every surface shares: request input parsing with field
//! names in errors, route tables that template.yaml is checked against,
//! request spans that never print a path, and the problem type that renders
//! the platform's one error kind in a surface's own envelope.

mod attempt;
mod cors;
mod input;
pub mod logging;
mod paging;
mod path;
mod problem;
mod request_log;
mod routes;
mod same_origin;
mod users_envelope;

pub use attempt::{client_ip, ClientIp, SignInAttempt};
pub use cors::{cors, origin_allowed};
pub use input::{required, Input, InputError};
pub use paging::page_limit;
pub use path::path_id;
pub use problem::{
    default_status, method_not_allowed, no_route, pascal_case, sentence_case, surface_app,
    Envelope, Problem,
};
pub use request_log::log_request;
pub use routes::{Route, RouteTable};
pub use same_origin::{cross_site_refused, same_origin};
pub use users_envelope::{UsersEnvelope, PAYLOAD_TOO_LARGE};
