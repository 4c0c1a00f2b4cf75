//! HTTP helpers shared by every surface: request input parsing with field
//! names in errors, route tables that template.yaml is checked against, and
//! request logging that never prints a path.

mod input;
mod request_log;
mod routes;

pub use input::{required, Input, InputError};
pub use request_log::log_request;
pub use routes::{Route, RouteTable};
