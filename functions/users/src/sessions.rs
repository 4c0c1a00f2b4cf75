//! Issuing the cookie session a completed login gets (shared::auth::session
//! holds the cookie format and the lookup).

use shared::auth::{self, session, IssuedToken};
use shared::domain::UserId;

pub fn issue(user: &UserId) -> IssuedToken {
    auth::issue(session::KIND, user, session::TTL_SECS)
}
