//! Issuing the cookie session a completed login gets (identity::session
//! holds the cookie format and the lookup).

use domain::UserId;
use identity::{session, IssuedToken};

pub fn issue(user: &UserId) -> IssuedToken {
    identity::issue(session::KIND, user, session::TTL_SECS)
}
